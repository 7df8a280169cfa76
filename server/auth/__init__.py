"""Accounts: passwords, login sessions, CSRF, and who the caller is."""
