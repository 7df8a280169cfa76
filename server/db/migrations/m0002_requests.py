"""Assessment requests (link, e-mail, QR) and the queue of outgoing e-mail."""

ID = "0002_requests"


def steps(dialect: str) -> list[str]:
    pk = "SERIAL PRIMARY KEY" if dialect == "postgres" else "INTEGER PRIMARY KEY AUTOINCREMENT"
    return [
        """CREATE TABLE assessment_requests (
            id VARCHAR(36) PRIMARY KEY,
            assessment_id VARCHAR(36) NOT NULL UNIQUE REFERENCES assessments(id),
            trainee_id INTEGER NOT NULL REFERENCES users(id),
            channel VARCHAR(10) NOT NULL,
            assessor_name VARCHAR(200) NOT NULL,
            assessor_email VARCHAR(320),
            assessor_title VARCHAR(200),
            assessor_workplace VARCHAR(200),
            message TEXT,
            token_hash VARCHAR(64) NOT NULL UNIQUE,
            token_nonce VARCHAR(64) NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            reminder_base_at TEXT NOT NULL,
            reminders_sent INTEGER NOT NULL DEFAULT 0,
            last_reminded_at TEXT,
            opened_at TEXT,
            declined_at TEXT,
            decline_reason TEXT,
            withdrawn_at TEXT,
            outcome_notified_at TEXT,
            updated_at TEXT NOT NULL)""",
        "CREATE INDEX assessment_requests_trainee ON assessment_requests(trainee_id)",
        "CREATE INDEX assessment_requests_email ON assessment_requests(assessor_email)",
        f"""CREATE TABLE mail_outbox (
            id {pk},
            request_id VARCHAR(36),
            kind VARCHAR(40) NOT NULL,
            to_address VARCHAR(320) NOT NULL,
            subject VARCHAR(300) NOT NULL,
            body TEXT NOT NULL,
            status VARCHAR(10) NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            claimed_until TEXT,
            last_error TEXT,
            created_at TEXT NOT NULL,
            sent_at TEXT)""",
        "CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at)",
    ]
