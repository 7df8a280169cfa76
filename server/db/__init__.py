"""Storage: one ``Database`` interface over SQLite (embedded) and PostgreSQL (several processes)."""

from .database import Database, Row, Tx, iso_utc, open_database, utc_now

__all__ = ["Database", "Row", "Tx", "iso_utc", "open_database", "utc_now"]
