"""A small organisation for tests: two units, two trainees with supervisors, assessors, a
studierektor and an admin; each person in an "own" and an "other" version for access tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from litestar.testing import AsyncTestClient

from server.auth.passwords import hash_password_sync
from server.auth.sessions import COOKIE_NAME
from server.db import Database, Tx
from server.people import repository as people

PASSWORD = "correct horse battery"
_PASSWORD_HASH = hash_password_sync(PASSWORD)


@dataclass
class World:
    ids: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    placements: dict[str, int] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)
    sessions: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)

    def id(self, who: str) -> int:
        return self.ids[who]


PEOPLE: dict[str, tuple[str, list[str]]] = {
    # key: (name, roles)
    "admin": ("Ada Admin", ["admin"]),
    "trainee": ("Tove Trainee", ["trainee"]),
    "other_trainee": ("Olle Trainee", ["trainee"]),
    "assessor": ("Asta Assessor", ["assessor"]),
    "other_assessor": ("Oskar Assessor", ["assessor"]),
    "clinical_supervisor": ("Karin Klinisk", ["clinical_supervisor", "assessor"]),
    "other_clinical_supervisor": ("Kalle Klinisk", ["clinical_supervisor", "assessor"]),
    "main_supervisor": ("Hanna Huvud", ["main_supervisor", "assessor"]),
    "other_main_supervisor": ("Hugo Huvud", ["main_supervisor", "assessor"]),
    "studierektor": ("Sara Studierektor", ["studierektor"]),
    "other_studierektor": ("Sven Studierektor", ["studierektor"]),
}


async def build_world(db: Database) -> World:
    w = World()
    w.units["own"] = await people.create_unit(db, "Medicinkliniken Testsjukhuset")
    w.units["other"] = await people.create_unit(db, "Vårdcentralen Annanstans")
    for key, (name, roles) in PEOPLE.items():
        email = f"{key.replace('_', '.')}@test.bedside.se"
        unit = (w.units["other"] if key.startswith("other") else w.units["own"]) if "studierektor" in roles else None
        w.ids[key] = await people.create_user(db, email=email, name=name, password=None, roles=roles,
                                              studierektor_unit_id=unit)
        w.emails[key] = email
        w.names[key] = name

    async def set_passwords(tx: Tx) -> None:
        await tx.execute("UPDATE users SET password_hash = ?", (_PASSWORD_HASH,))

    await db.transaction(set_passwords)
    for prefix, unit in (("", w.units["own"]), ("other_", w.units["other"])):
        programme = await people.create_programme(
            db, trainee_id=w.ids[f"{prefix}trainee"], kind="BT", unit_id=unit,
            main_supervisor_id=w.ids[f"{prefix}main_supervisor"], start_date="2026-01-01")
        w.placements[f"{prefix}placement"] = await people.create_placement(
            db, programme_id=programme, unit_id=unit, specialty="Internmedicin", start_date="2026-01-01",
            end_date="2026-06-30", clinical_supervisor_id=w.ids[f"{prefix}clinical_supervisor"])
    return w


async def login(client: AsyncTestClient, world: World, who: str) -> dict[str, str]:
    """Make ``who`` the person using ``client``; returns the headers for changes (CSRF). The first time
    logs in through the API; later switches back to that session's cookie (argon2 is slow on purpose)."""
    if who in world.sessions:
        cookie, headers = world.sessions[who]
        client.cookies.clear()
        client.cookies.set(COOKIE_NAME, cookie, domain=client.base_url.host)
        return headers
    response = await client.post("/api/auth/login", json={"email": world.emails[who], "password": PASSWORD})
    assert response.status_code == 200, response.text
    headers = {"X-CSRF-Token": response.json()["csrf_token"]}
    world.sessions[who] = (response.cookies[COOKIE_NAME], headers)
    return headers
