"""Trust: refused content kept per sender, request links claimed by one device, signature receipts
and disputes, answers from a second device kept beside the first, tokens looked up by nonce."""

ID = "0003_trust"


def _json_text(dialect: str, column: str, key: str) -> str:
    if dialect == "postgres":
        return f"(({column})::json ->> '{key}')"
    return f"json_extract({column}, '$.{key}')"


def steps(dialect: str) -> list[str]:
    pk = "SERIAL PRIMARY KEY" if dialect == "postgres" else "INTEGER PRIMARY KEY AUTOINCREMENT"
    return [
        # What a refused mutation carried, kept for the person who sent it and for nobody else.
        f"""CREATE TABLE refused_mutations (
            id {pk},
            actor VARCHAR(80) NOT NULL,
            client_id VARCHAR(64) NOT NULL,
            doc_id VARCHAR(36) NOT NULL,
            kind VARCHAR(20) NOT NULL,
            reason VARCHAR(40) NOT NULL,
            at TEXT NOT NULL,
            detail TEXT NOT NULL)""",
        "CREATE INDEX refused_mutations_actor ON refused_mutations(actor, id)",
        f"""INSERT INTO refused_mutations (actor, client_id, doc_id, kind, reason, at, detail)
            SELECT actor, COALESCE({_json_text(dialect, 'detail', 'device')}, ''), assessment_id,
                   COALESCE({_json_text(dialect, 'detail', 'kind')}, 'unknown'),
                   COALESCE({_json_text(dialect, 'detail', 'reason')}, 'unknown'), at, detail
            FROM audit_events WHERE action = 'rejected'""",
        "DELETE FROM audit_events WHERE action = 'rejected'",
        # A request link is claimed by the first device that opens it; that device gets its own secret.
        "ALTER TABLE assessment_requests ADD COLUMN claimed_at TEXT",
        "ALTER TABLE assessment_requests ADD COLUMN claim_nonce VARCHAR(64)",
        "ALTER TABLE assessment_requests ADD COLUMN claim_secret_hash VARCHAR(64)",
        "ALTER TABLE assessment_requests ADD COLUMN claimed_by_user INTEGER REFERENCES users(id)",
        "ALTER TABLE assessment_requests ADD COLUMN claimed_email VARCHAR(320)",
        "ALTER TABLE assessment_requests ADD COLUMN claim_refusals INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE assessment_requests ADD COLUMN last_claim_refused_at TEXT",
        "ALTER TABLE assessment_requests ADD COLUMN receipt_nonce VARCHAR(64)",
        "ALTER TABLE assessment_requests ADD COLUMN disputed_at TEXT",
        "CREATE UNIQUE INDEX assessment_requests_claim ON assessment_requests(claim_secret_hash)",
        "CREATE UNIQUE INDEX assessment_requests_nonce ON assessment_requests(token_nonce)",
        "CREATE UNIQUE INDEX assessment_requests_receipt ON assessment_requests(receipt_nonce)",
        # What a second device typed for a link another device had claimed: never lost.
        f"""CREATE TABLE displaced_answers (
            id {pk},
            request_id VARCHAR(36) NOT NULL REFERENCES assessment_requests(id),
            assessment_id VARCHAR(36) NOT NULL REFERENCES assessments(id),
            device_key_hash VARCHAR(64) NOT NULL,
            received_at TEXT NOT NULL,
            assessor_name VARCHAR(200),
            assessor_title VARCHAR(200),
            assessor_workplace VARCHAR(200),
            assessor_email VARCHAR(320),
            data TEXT NOT NULL,
            steps TEXT NOT NULL)""",
        "CREATE INDEX displaced_answers_assessment ON displaced_answers(assessment_id)",
        "CREATE UNIQUE INDEX displaced_answers_device ON displaced_answers(request_id, device_key_hash)",
        # A mail's link is rendered from its purpose and nonce when it is sent (the mail queue knows no
        # request tables); mail queued before this migration links to its request.
        "ALTER TABLE mail_outbox ADD COLUMN link_purpose VARCHAR(20)",
        "ALTER TABLE mail_outbox ADD COLUMN link_nonce VARCHAR(64)",
        """UPDATE mail_outbox SET link_purpose = 'request-link',
             link_nonce = (SELECT r.token_nonce FROM assessment_requests r WHERE r.id = mail_outbox.request_id)
           WHERE request_id IS NOT NULL""",
    ]
