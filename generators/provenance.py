"""Write provenance (what made a file and who contributed) into PNG files.

The XMP packet goes into an iTXt chunk keyed ``XML:com.adobe.xmp`` so exiftool,
Adobe tools and Pillow's ``getxmp`` read it back.  MIDI and audio writers live
beside their generators and reuse :func:`provenance_lines`.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict
from xml.sax.saxutils import escape

from PIL import Image
from PIL.PngImagePlugin import PngInfo

IPTC_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/"
ALGORITHMIC = IPTC_SOURCE_TYPE + "algorithmicMedia"
COMPOSITE_SYNTHETIC = IPTC_SOURCE_TYPE + "compositeSynthetic"
TRAINED = IPTC_SOURCE_TYPE + "trainedAlgorithmicMedia"
COMPOSITE_TRAINED = IPTC_SOURCE_TYPE + "compositeWithTrainedAlgorithmicMedia"


class ModelCredit(TypedDict):
    """What a learned model is and what it learned from; generators put it in ``Result.facts["model"]``.

    ``learned_from`` is one line a member reads ("learned from 7,412 tunes: Essen folk songs, …").
    """

    name: str
    version: str
    learned_from: str
    licence: str


def source_type_for(has_member_upload: bool, trained: bool = False) -> str:
    """The IPTC digital source type of a result.

    A trained model in the path makes it ``trainedAlgorithmicMedia`` (``compositeWithTrainedAlgorithmicMedia``
    with a member's upload in it); without one, ``algorithmicMedia`` / ``compositeSynthetic``.
    """
    if trained:
        return COMPOSITE_TRAINED if has_member_upload else TRAINED
    return COMPOSITE_SYNTHETIC if has_member_upload else ALGORITHMIC


def is_composite(source_type: str) -> bool:
    return source_type in (COMPOSITE_SYNTHETIC, COMPOSITE_TRAINED)


def model_line(credit: ModelCredit) -> str:
    """"Model: jamroom-folk-ppm v1, learned from …" — the training-data line files, ledger and /credits show."""
    return f"Model: {credit['name']} v{credit['version']}, {credit['learned_from']} ({credit['licence']})"


def with_models(spec: Mapping[str, Any], credits: Sequence[ModelCredit]) -> dict[str, Any]:
    """A copy of ``spec`` whose ``_provenance`` says trained models made (part of) the result.

    Call it inside a generator before writing files when a learned model was used: the source type
    becomes the trained one (composite when the job already was), the disclosure names the models
    and what they learned from, and ``provenance_lines`` / ``png_provenance`` pick that up.
    """
    out = dict(spec)
    block = dict(out.get("_provenance") or {})
    if credits:
        composite = is_composite(str(block.get("source_type") or ""))
        block["source_type"] = source_type_for(composite, trained=True)
        block["disclosure"] = (
            "AI-generated with Jamroom using trained models: " + "; ".join(model_line(c) for c in credits) + "."
        )
        block["models"] = [dict(c) for c in credits]
    out["_provenance"] = block
    return out


def _bag(items: Sequence[str]) -> str:
    lis = "".join(f"<rdf:li>{escape(item)}</rdf:li>" for item in items)
    return f"<rdf:Bag>{lis}</rdf:Bag>"


def _alt(text: str) -> str:
    return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt>'


def xmp_packet(
    *,
    title: str,
    description: str,
    generator: str,
    version: str,
    seed: int,
    source_type: str,
    credits: Sequence[str] = (),
    extra: Mapping[str, Any] | None = None,
) -> str:
    """An XMP packet with Dublin Core, IPTC Extension and Jamroom's own fields."""
    extra_xml = "".join(
        f"<jamroom:{escape(str(k))}>{escape(str(v))}</jamroom:{escape(str(k))}>"
        for k, v in sorted((extra or {}).items())
        if str(k).isidentifier()
    )
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about=""'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        ' xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"'
        ' xmlns:jamroom="https://jamroom.dev/ns/1.0/">'
        f"<dc:title>{_alt(title)}</dc:title>"
        f"<dc:description>{_alt(description)}</dc:description>"
        f"<dc:creator>{_bag(list(credits) or ['Jamroom'])}</dc:creator>"
        f"<xmp:CreatorTool>{escape(f'Jamroom {generator} v{version}')}</xmp:CreatorTool>"
        f"<Iptc4xmpExt:DigitalSourceType>{escape(source_type)}</Iptc4xmpExt:DigitalSourceType>"
        f"<jamroom:generator>{escape(generator)}</jamroom:generator>"
        f"<jamroom:version>{escape(version)}</jamroom:version>"
        f"<jamroom:seed>{int(seed)}</jamroom:seed>"
        f"<jamroom:credits>{_bag(list(credits))}</jamroom:credits>"
        f"{extra_xml}"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    )


def png_with_xmp(image: Image.Image, packet: str, *, compress_level: int = 1) -> bytes:
    """Encode ``image`` as PNG with the XMP packet; ``compress_level=1`` keeps encoding fast.

    The output is deterministic: no time chunk, fixed compression settings.
    """
    info = PngInfo()
    info.add_itxt("XML:com.adobe.xmp", packet)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info, compress_level=compress_level)
    return buffer.getvalue()


def png_provenance(
    image: Image.Image,
    *,
    spec: Mapping[str, Any],
    generator: str,
    version: str,
    seed: int,
    has_member_upload: bool = False,
    extra: Mapping[str, Any] | None = None,
) -> bytes:
    """PNG bytes with provenance from the spec's ``_provenance`` block (see generators.base)."""
    block = spec.get("_provenance") or {}
    title = str(block.get("title") or spec.get("prompt") or "Jamroom sketch")
    disclosure = str(block.get("disclosure") or f"Made with Jamroom {generator} v{version}.")
    source_type = str(block.get("source_type") or source_type_for(has_member_upload))
    if has_member_upload and not is_composite(source_type):
        source_type = source_type_for(True, trained=source_type == TRAINED)
    fields = {"prompt": spec.get("prompt", ""), **(extra or {})}
    packet = xmp_packet(
        title=title,
        description=disclosure,
        generator=generator,
        version=version,
        seed=seed,
        source_type=source_type,
        credits=list(block.get("credits") or []),
        extra=fields,
    )
    return png_with_xmp(image, packet)


def provenance_lines(spec: Mapping[str, Any], generator: str, version: str, seed: int) -> list[str]:
    """Plain-text provenance lines for formats without XMP (MIDI meta events, Vorbis comments)."""
    block = spec.get("_provenance") or {}
    credits = list(block.get("credits") or [])
    lines = [
        f"Made with Jamroom {generator} v{version}, seed {seed}",
        str(block.get("disclosure") or "AI-generated with Jamroom (algorithmic, no trained model)."),
    ]
    if credits:
        lines.append("Credits: " + "; ".join(credits))
    for model in block.get("models") or []:
        lines.append(model_line(model))
    return lines
