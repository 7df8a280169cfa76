"""Mail that reaches a hospital inbox: every message keeps its own Message-ID (made when queued, so a
retry is the same message), and the thread it belongs to, so a reminder answers the first message."""

ID = "0007_mail_threads"


def steps(dialect: str) -> list[str]:
    return [
        "ALTER TABLE mail_outbox ADD COLUMN message_id VARCHAR(200)",
        "ALTER TABLE mail_outbox ADD COLUMN thread_key VARCHAR(100)",
        "ALTER TABLE mail_outbox ADD COLUMN in_reply_to VARCHAR(200)",
        "CREATE INDEX mail_outbox_thread ON mail_outbox(thread_key, to_address)",
        # mail queued before: an id of its own now, so that a retry is the same message
        "UPDATE mail_outbox SET message_id = "
        + ("md5(random()::text || id::text)" if dialect == "postgres" else "lower(hex(randomblob(16)))")
        + " WHERE message_id IS NULL",
    ]
