"""Onboarding: invitations to a new account and "Glömt lösenord", both by a single-use link that sets a
password."""
