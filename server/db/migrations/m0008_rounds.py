"""360 rounds: a round per trainee (deadline, minimums), its nominated raters (each asked by one
request), comments the main supervisor hid from the trainee, and what happened to the round, by whom."""

ID = "0008_rounds"


def steps(dialect: str) -> list[str]:
    pk = "SERIAL PRIMARY KEY" if dialect == "postgres" else "INTEGER PRIMARY KEY AUTOINCREMENT"
    return [
        """CREATE TABLE msf_rounds (
            id VARCHAR(36) PRIMARY KEY,
            trainee_id INTEGER NOT NULL REFERENCES users(id),
            status VARCHAR(12) NOT NULL,
            deadline TEXT NOT NULL,
            min_total INTEGER NOT NULL,
            group_minimums TEXT NOT NULL,
            comment_seed VARCHAR(64) NOT NULL,
            self_assessment_id VARCHAR(36) REFERENCES assessments(id),
            created_by INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            opened_at TEXT,
            closed_at TEXT,
            released_at TEXT,
            agreed_points TEXT,
            updated_at TEXT NOT NULL)""",
        "CREATE INDEX msf_rounds_trainee ON msf_rounds(trainee_id)",
        """CREATE TABLE msf_round_raters (
            id VARCHAR(36) PRIMARY KEY,
            round_id VARCHAR(36) NOT NULL REFERENCES msf_rounds(id),
            name VARCHAR(200) NOT NULL,
            email VARCHAR(320) NOT NULL,
            rater_group VARCHAR(30) NOT NULL,
            nominated_by INTEGER NOT NULL REFERENCES users(id),
            nominated_at TEXT NOT NULL,
            request_id VARCHAR(36) REFERENCES assessment_requests(id))""",
        "CREATE UNIQUE INDEX msf_round_raters_email ON msf_round_raters(round_id, email)",
        """CREATE TABLE msf_hidden_comments (
            id """ + pk + """,
            round_id VARCHAR(36) NOT NULL REFERENCES msf_rounds(id),
            assessment_id VARCHAR(36) NOT NULL REFERENCES assessments(id),
            field VARCHAR(60) NOT NULL,
            reason TEXT NOT NULL,
            hidden_by INTEGER NOT NULL REFERENCES users(id),
            hidden_at TEXT NOT NULL)""",
        "CREATE UNIQUE INDEX msf_hidden_comments_one ON msf_hidden_comments(round_id, assessment_id, field)",
        f"""CREATE TABLE msf_round_events (
            id {pk},
            round_id VARCHAR(36) NOT NULL REFERENCES msf_rounds(id),
            at TEXT NOT NULL,
            actor_id INTEGER NOT NULL REFERENCES users(id),
            action VARCHAR(30) NOT NULL,
            detail TEXT NOT NULL)""",
        "CREATE INDEX msf_round_events_round ON msf_round_events(round_id)",
        "ALTER TABLE assessment_requests ADD COLUMN round_id VARCHAR(36) REFERENCES msf_rounds(id)",
        "CREATE INDEX assessment_requests_round ON assessment_requests(round_id)",
    ]
