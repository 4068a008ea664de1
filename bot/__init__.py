"""Jamroom's core: catalog, models, queue, worker, ledger, store, CLI and composition root."""

__version__ = "0.1.0"
