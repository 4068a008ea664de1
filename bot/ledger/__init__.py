"""The ledger: an append-only, hash-chained record of every artifact and policy change."""

from bot.ledger.chain import Verdict
from bot.ledger.store import Ledger

__all__ = ["Ledger", "Verdict"]
