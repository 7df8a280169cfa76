"""The one exception the catalog raises when its files are wrong."""

from __future__ import annotations


class CatalogError(Exception):
    """The catalog cannot be loaded; the message names the offending file (relative to the schemas
    folder, e.g. ``schemas/forms/mini-cex/1/ui.json``) and what is wrong with it."""
