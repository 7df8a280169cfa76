"""Bedside server: Litestar HTTP API, form catalog, accounts and the stored side of sync."""
