"""The fixed held-out list: a tenth of the corpus, chosen by a hash of the tune id, never in a shipped model.

The list itself is committed as ``model/heldout.txt`` (one tune id a line) so every music and
recordings benchmark measures on the same tunes; this rule is how it was drawn.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

HELDOUT_PATH = Path(__file__).parent / "model" / "heldout.txt"


def is_heldout(tune_id: str) -> bool:
    """True for about 10 % of ids: the first 8 hex digits of sha1(id), modulo 10, equal 0."""
    return int(hashlib.sha1(tune_id.encode()).hexdigest()[:8], 16) % 10 == 0


def heldout_ids(path: Path = HELDOUT_PATH) -> list[str]:
    """The committed held-out ids (empty if the file is missing)."""
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]
