"""A person's data as one JSON document (GDPR right of access): their own, or made by an admin."""
