"""One module per domain; each defines COMMANDS and optionally FOLLOW_UPS."""
