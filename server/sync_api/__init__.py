"""The stored side of sync: ``POST /api/sync`` pushes a device's outbox and pulls what changed."""
