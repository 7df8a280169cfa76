"""Links that set a password (issue 15): an invitation to a new account, or "Glömt lösenord". Like every
capability link the database keeps the nonce, never the token (``auth/capability.py``); a link is single
use (``used_at``), expiring, and a newer link for the same person ends the older ones."""

ID = "0013_password_links"


def steps(dialect: str) -> list[str]:
    pk = "SERIAL PRIMARY KEY" if dialect == "postgres" else "INTEGER PRIMARY KEY AUTOINCREMENT"
    return [
        f"""CREATE TABLE password_links (
               id {pk},
               user_id INTEGER NOT NULL REFERENCES users(id),
               purpose VARCHAR(10) NOT NULL,
               nonce VARCHAR(64) NOT NULL UNIQUE,
               created_at TEXT NOT NULL,
               expires_at TEXT NOT NULL,
               used_at TEXT,
               created_by INTEGER REFERENCES users(id))""",
        "CREATE INDEX password_links_user ON password_links(user_id)",
    ]
