"""What Socialstyrelsen's BT certificates and the Slutbedömning ask of a placement: its type (primärvård,
akut sjukvård, psykiatri, annan; null while not known), the sysselsättningsgrad in percent and the days
of absence. Placements made before get full time and no absence."""

ID = "0009_placement_fields"


def steps(dialect: str) -> list[str]:
    return [
        "ALTER TABLE placements ADD COLUMN placement_type VARCHAR(20)",
        "ALTER TABLE placements ADD COLUMN employment_rate_percent INTEGER NOT NULL DEFAULT 100",
        "ALTER TABLE placements ADD COLUMN absence_days INTEGER NOT NULL DEFAULT 0",
    ]
