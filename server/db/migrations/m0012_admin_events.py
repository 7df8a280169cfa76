"""Administrators' actions, each attributable (issue 14: a person's data exported on a written request;
issue 15 adds the rest of the admin screens' changes): who, when, what, about whom."""

ID = "0012_admin_events"


def steps(dialect: str) -> list[str]:
    pk = "SERIAL PRIMARY KEY" if dialect == "postgres" else "INTEGER PRIMARY KEY AUTOINCREMENT"
    return [
        f"""CREATE TABLE admin_events (
               id {pk},
               at TEXT NOT NULL,
               actor_id INTEGER NOT NULL REFERENCES users(id),
               action VARCHAR(40) NOT NULL,
               subject_user_id INTEGER REFERENCES users(id),
               detail TEXT NOT NULL)""",
        "CREATE INDEX admin_events_subject ON admin_events(subject_user_id)",
    ]
