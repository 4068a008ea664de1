"""Core services adapters and handlers share, so neither reaches into the other.

``door`` is the narrow facade adapters use (submit, precheck, recent, history, save
upload); ``records`` reads the ledger's removal and declaration entries; ``notices``
tells members things outside their own request (consent asks).
"""
