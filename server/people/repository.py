"""Reads and writes of users, units, programmes and placements (used by the API, the CLI and the demo)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal, get_args

from ..auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from ..access import supervised_trainees_sql
from ..auth.principal import ROLES, Principal
from ..db import Database, Row, Tx, utc_now
from ..errors import Conflict, InvalidInput, NotFound

PROGRAMME_KINDS = ("BT", "ST", "AT")
#: the kinds of placement the BT certificate tells apart (primärvård and akut sjukvård are mandatory)
PlacementType = Literal["primarvard", "akut_sjukvard", "psykiatri", "annan"]
PLACEMENT_TYPES: tuple[str, ...] = get_args(PlacementType)
#: the Slutbedömning's own bound (its schema's ``absence_days`` maximum), so a prefilled value always fits
MAX_ABSENCE_DAYS = 3660
#: what a placement has when nothing is said (the migration's column defaults)
PLACEMENT_DEFAULTS: dict[str, str | int | None] = {"placement_type": None, "employment_rate_percent": 100,
                                                   "absence_days": 0}


def _check_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@") or " " in email or len(email) > 320:
        raise InvalidInput(f"{email!r} is not an e-mail address.", extra=[{"field": "/email", "message": "Not an e-mail address."}])
    return email


async def create_user(
    db: Database, *, email: str, name: str, password: str | None, roles: Iterable[str],
    title: str | None = None, studierektor_unit_id: int | None = None,
) -> int:
    """Create a user with roles; returns the id. Refuses a taken e-mail, an unknown role, a short password."""
    email = _check_email(email)
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise InvalidInput(f"Unknown role(s) {', '.join(unknown)}; roles are: {', '.join(ROLES)}.")
    if not name.strip():
        raise InvalidInput("A name is required.", extra=[{"field": "/name", "message": "Required."}])
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.",
                           extra=[{"field": "/password", "message": "Too short."}])
    if "studierektor" in roles and studierektor_unit_id is None:
        raise InvalidInput("A studierektor needs the unit they are responsible for (studierektor_unit_id).")
    password_hash = await hash_password(password) if password else None

    async def insert(tx: Tx) -> int:
        if await tx.fetchone("SELECT id FROM users WHERE lower(email) = ?", (email,)):
            raise Conflict(f"A user with e-mail {email} already exists.", reason="exists")
        if studierektor_unit_id is not None and not await tx.fetchone("SELECT id FROM units WHERE id = ?", (studierektor_unit_id,)):
            raise NotFound(f"Unit {studierektor_unit_id} does not exist.")
        row = await tx.fetchone(
            "INSERT INTO users (email, name, title, password_hash, active, created_at) VALUES (?, ?, ?, ?, 1, ?) RETURNING id",
            (email, name.strip(), title, password_hash, utc_now()),
        )
        assert row is not None
        user_id = int(row["id"])
        await tx.executemany(
            "INSERT INTO user_roles (user_id, role, unit_id) VALUES (?, ?, ?)",
            [(user_id, role, studierektor_unit_id if role == "studierektor" else None) for role in roles],
        )
        return user_id

    return await db.transaction(insert)


async def create_unit(db: Database, name: str, region: str | None = None) -> int:
    if not name.strip():
        raise InvalidInput("A unit needs a name.")

    async def insert(tx: Tx) -> int:
        if await tx.fetchone("SELECT id FROM units WHERE name = ?", (name.strip(),)):
            raise Conflict(f"A unit named {name!r} already exists.", reason="exists")
        row = await tx.fetchone("INSERT INTO units (name, region, created_at) VALUES (?, ?, ?) RETURNING id",
                                (name.strip(), region, utc_now()))
        assert row is not None
        return int(row["id"])

    return await db.transaction(insert)


async def _require_unit(tx: Tx, unit_id: int) -> None:
    if not await tx.fetchone("SELECT id FROM units WHERE id = ?", (unit_id,)):
        raise NotFound(f"Unit {unit_id} does not exist: GET /api/admin/units lists them.")


async def _require_user_with_role(tx: Tx, user_id: int, role: str, what: str) -> None:
    if not await tx.fetchone("SELECT 1 AS ok FROM user_roles WHERE user_id = ? AND role = ?", (user_id, role)):
        raise InvalidInput(f"User {user_id} cannot be {what}: they do not have the role {role}.")


async def create_programme(
    db: Database, *, trainee_id: int, kind: str, unit_id: int, main_supervisor_id: int | None, start_date: str,
    end_date: str | None = None,
) -> int:
    if kind not in PROGRAMME_KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(PROGRAMME_KINDS)}.")
    if end_date is not None and end_date < start_date:
        raise InvalidInput("A programme cannot end before it starts.")

    async def insert(tx: Tx) -> int:
        await _require_unit(tx, unit_id)
        await _require_user_with_role(tx, trainee_id, "trainee", "the trainee")
        if main_supervisor_id is not None:
            await _require_user_with_role(tx, main_supervisor_id, "main_supervisor", "main supervisor")
        row = await tx.fetchone(
            """INSERT INTO programmes (trainee_id, kind, unit_id, main_supervisor_id, start_date, end_date)
               VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
            (trainee_id, kind, unit_id, main_supervisor_id, start_date, end_date),
        )
        assert row is not None
        return int(row["id"])

    return await db.transaction(insert)


def _is_whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _check_placement(*, start_date: str, end_date: str, placement_type: str | None, employment_rate_percent: int,
                     absence_days: int) -> None:
    """The API's body rules again (the CLI and the demo call in here too), and what only the whole placement
    shows: it ends after it starts and its absence fits in its period."""
    if end_date < start_date:
        raise InvalidInput("A placement cannot end before it starts.", extra=[{"field": "/end_date", "message": "Before start_date."}])
    if placement_type is not None and placement_type not in PLACEMENT_TYPES:
        raise InvalidInput(f"placement_type must be one of {', '.join(PLACEMENT_TYPES)}, or null while not known.",
                           extra=[{"field": "/placement_type", "message": "Unknown placement type."}])
    if not _is_whole(employment_rate_percent, 1, 100):
        raise InvalidInput("employment_rate_percent (sysselsättningsgrad) must be a whole number from 1 to 100.",
                           extra=[{"field": "/employment_rate_percent", "message": "Out of range."}])
    days = (dt.date.fromisoformat(end_date) - dt.date.fromisoformat(start_date)).days + 1
    if not _is_whole(absence_days, 0, min(days, MAX_ABSENCE_DAYS)):
        raise InvalidInput(f"absence_days must be a whole number from 0 to the placement's {days} days.",
                           extra=[{"field": "/absence_days", "message": "Out of range."}])


async def create_placement(
    db: Database, *, programme_id: int, unit_id: int, specialty: str, start_date: str, end_date: str,
    clinical_supervisor_id: int | None, placement_type: str | None = None, employment_rate_percent: int = 100,
    absence_days: int = 0,
) -> int:
    """Create a placement; returns the id. The type, sysselsättningsgrad and absence are written only when
    they are not the columns' defaults, so a database migrated only up to before them (an upgrade test's)
    still takes placements."""
    _check_placement(start_date=start_date, end_date=end_date, placement_type=placement_type,
                     employment_rate_percent=employment_rate_percent, absence_days=absence_days)
    given = {"placement_type": placement_type, "employment_rate_percent": employment_rate_percent,
             "absence_days": absence_days}
    columns = {"programme_id": programme_id, "unit_id": unit_id, "specialty": specialty, "start_date": start_date,
               "end_date": end_date, "clinical_supervisor_id": clinical_supervisor_id} | {
        k: v for k, v in given.items() if v != PLACEMENT_DEFAULTS[k]}

    async def insert(tx: Tx) -> int:
        if not await tx.fetchone("SELECT id FROM programmes WHERE id = ?", (programme_id,)):
            raise NotFound(f"Programme {programme_id} does not exist.")
        await _require_unit(tx, unit_id)
        if clinical_supervisor_id is not None:
            await _require_user_with_role(tx, clinical_supervisor_id, "clinical_supervisor", "clinical supervisor")
        row = await tx.fetchone(
            f"""INSERT INTO placements ({", ".join(columns)}) VALUES ({", ".join("?" for _ in columns)})
                RETURNING id""",
            tuple(columns.values()),
        )
        assert row is not None
        return int(row["id"])

    return await db.transaction(insert)


async def list_users(db: Database) -> list[Row]:
    rows = await db.fetch(
        """SELECT u.id, u.email, u.name, u.title, u.active, r.role FROM users u
           LEFT JOIN user_roles r ON r.user_id = u.id ORDER BY u.name, u.id""")
    users: dict[int, Row] = {}
    for r in rows:
        user = users.setdefault(r["id"], {k: r[k] for k in ("id", "email", "name", "title", "active")} | {"roles": []})
        if r["role"]:
            user["roles"].append(r["role"])
    return list(users.values())


async def trainees_to_pick(db: Database, principal: Principal, query: str) -> list[Row]:
    """Trainees ``principal`` has a reason to pick: supervised or overseen, assessed before or asked by;
    with a ``query`` of 3 letters or more, also current trainees whose name matches (at most 20)."""
    supervised, params = supervised_trainees_sql(principal)
    known = await db.fetch(
        f"""SELECT DISTINCT u.id, u.name, u.title FROM users u
            WHERE u.active = 1 AND (u.id IN ({supervised})
               OR u.id IN (SELECT trainee_id FROM assessments WHERE assessor_id = ? AND deleted = 0)
               OR u.id IN (SELECT trainee_id FROM assessment_requests WHERE lower(assessor_email) = ?))
            ORDER BY u.name LIMIT 5000""",
        (*params, principal.user_id, principal.email.lower()))
    if len(query) < 3:
        return known
    today = dt.date.today().isoformat()
    found = await db.fetch(
        """SELECT DISTINCT u.id, u.name, u.title FROM users u JOIN programmes pr ON pr.trainee_id = u.id
           WHERE u.active = 1 AND lower(u.name) LIKE ? AND pr.start_date <= ? AND (pr.end_date IS NULL OR pr.end_date >= ?)
           ORDER BY u.name LIMIT 20""", (f"%{query}%", today, today))
    seen = {r["id"] for r in known}
    return [r for r in known if query in r["name"].lower()] + [r for r in found if r["id"] not in seen]


async def count_users(db: Database) -> int:
    row = await db.fetchone("SELECT count(*) AS n FROM users")
    return int(row["n"]) if row else 0


async def log_admin_event(tx: Tx, at: str, actor_id: int, action: str, subject_user_id: int | None, detail: str) -> None:
    """An administrator's action, attributable: who, when, what (``detail``: JSON), about whom."""
    await tx.execute("INSERT INTO admin_events (at, actor_id, action, subject_user_id, detail) VALUES (?, ?, ?, ?, ?)",
                     (at, actor_id, action, subject_user_id, detail))


async def deactivate_user(tx: Tx, user_id: int, today: str, now: str) -> dict[str, int]:
    """Close an account: no login, no session, no password link; her current and future placements and
    programmes lose her as supervisor (free for a new one). Every signature and audit event she made stays."""
    await tx.execute("UPDATE users SET active = 0 WHERE id = ?", (user_id,))
    await tx.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
    await tx.execute("UPDATE password_links SET used_at = ? WHERE user_id = ? AND used_at IS NULL", (now, user_id))
    placements = await tx.fetch(
        "UPDATE placements SET clinical_supervisor_id = NULL WHERE clinical_supervisor_id = ? AND end_date >= ? RETURNING id",
        (user_id, today))
    programmes = await tx.fetch(
        """UPDATE programmes SET main_supervisor_id = NULL
           WHERE main_supervisor_id = ? AND (end_date IS NULL OR end_date >= ?) RETURNING id""", (user_id, today))
    return {"placements_freed": len(placements), "programmes_freed": len(programmes)}


async def reactivate_user(tx: Tx, user_id: int) -> None:
    await tx.execute("UPDATE users SET active = 1 WHERE id = ?", (user_id,))


async def admin_events(db: Database, limit: int) -> list[Row]:
    """The newest administrators' actions first, with who acted and on whom."""
    return await db.fetch(
        """SELECT e.id, e.at, e.action, e.detail, e.actor_id, a.name AS actor_name, e.subject_user_id,
                  s.name AS subject_name
           FROM admin_events e JOIN users a ON a.id = e.actor_id LEFT JOIN users s ON s.id = e.subject_user_id
           ORDER BY e.id DESC LIMIT ?""", (limit,))
