"""The name the assessor gives when claiming a link is kept apart from the name the trainee typed
(a 360 rater's own name never reaches the trainee), and the devices refused a claim are remembered
(only they may hand in what they typed as a displaced answer)."""

ID = "0004_claim_details"


def steps(dialect: str) -> list[str]:
    pk = "SERIAL PRIMARY KEY" if dialect == "postgres" else "INTEGER PRIMARY KEY AUTOINCREMENT"
    return [
        "ALTER TABLE assessment_requests ADD COLUMN claimed_name VARCHAR(200)",
        f"""CREATE TABLE refused_claims (
            id {pk},
            request_id VARCHAR(36) NOT NULL REFERENCES assessment_requests(id),
            device_key_hash VARCHAR(64) NOT NULL,
            at TEXT NOT NULL,
            UNIQUE (request_id, device_key_hash))""",
    ]
