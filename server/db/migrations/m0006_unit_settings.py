"""Per-unit settings (e.g. the rules for who is behind), each a JSON value under a key; a unit
without a row for a key uses the default its feature defines."""

ID = "0006_unit_settings"


def steps(dialect: str) -> list[str]:
    pk = "SERIAL PRIMARY KEY" if dialect == "postgres" else "INTEGER PRIMARY KEY AUTOINCREMENT"
    return [
        f"""CREATE TABLE unit_settings (
            id {pk},
            unit_id INTEGER NOT NULL REFERENCES units(id),
            key VARCHAR(60) NOT NULL,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by INTEGER REFERENCES users(id))""",
        "CREATE UNIQUE INDEX unit_settings_key ON unit_settings(unit_id, key)",
        "CREATE INDEX programmes_unit ON programmes(unit_id)",
    ]
