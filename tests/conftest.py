from __future__ import annotations

import pytest
from support import make_jam


@pytest.fixture
async def jam_and_outbound(tmp_path):
    jam, outbound = make_jam(tmp_path)
    await jam.start()
    try:
        yield jam, outbound
    finally:
        await jam.stop()
