"""The command catalog: declarations, parsing and generated help."""

from bot.catalog.registry import Catalog, catalog
from bot.catalog.spec import Command, FollowUp, Option, OptionType, Permission

__all__ = ["Catalog", "Command", "FollowUp", "Option", "OptionType", "Permission", "catalog"]
