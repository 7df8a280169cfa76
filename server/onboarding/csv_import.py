"""A region's HR export as CSV: trainees, their programmes and placements. A dry run says per row what
would be created or changed and every error (a ``code`` the PWA words in Swedish); applying does the same
in one transaction, and only when no row has an error. Re-importing the same file changes nothing: a
trainee is keyed by e-mail, a programme by trainee, kind and unit, a placement by programme and period.
A personnummer in any cell refuses that row; the file itself is never stored.

Columns (Swedish or English headers, any order, `;` or `,`): namn, e-post, program (BT/ST/AT), enhet,
specialitet, start, slut, klinisk handledare (e-post), huvudhandledare (e-post); optional: typ
(primarvard, akut_sjukvard, psykiatri, annan) and sysselsättningsgrad (1–100).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any

import msgspec

from ..db import Tx, utc_now
from ..privacy.personnummer import contains_identity_number

MAX_ROWS = 2000
KINDS = ("BT", "ST", "AT")
TYPES = ("primarvard", "akut_sjukvard", "psykiatri", "annan")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: column → the headers that name it (lower case)
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("namn", "name"),
    "email": ("e-post", "epost", "e-mail", "email", "mejl"),
    "programme": ("program", "programme", "utbildning"),
    "unit": ("enhet", "unit", "klinik"),
    "specialty": ("specialitet", "placering", "placement specialty", "specialty"),
    "start": ("start", "startdatum", "från", "from"),
    "end": ("slut", "slutdatum", "till", "end", "to"),
    "clinical_supervisor": ("klinisk handledare", "klinisk handledare e-post", "clinical supervisor e-mail",
                            "clinical supervisor"),
    "main_supervisor": ("huvudhandledare", "huvudhandledare e-post", "hhl", "hhl e-post", "hhl e-mail"),
    "placement_type": ("typ", "type", "placeringstyp"),
    "employment_rate_percent": ("sysselsättningsgrad", "employment rate", "procent"),
}
REQUIRED = ("name", "email", "programme", "unit", "specialty", "start", "end")


class RowError(msgspec.Struct):
    column: str
    #: identity_number, required, bad_email, bad_date, ends_before_start, unknown_programme_kind,
    #: unknown_unit, unknown_supervisor, not_a_supervisor, unknown_type, bad_rate, duplicate_row
    code: str
    message: str


class Action(msgspec.Struct):
    #: create_user, add_trainee_role, create_programme, change_hhl, create_placement, change_placement
    what: str
    detail: str


class RowPlan(msgspec.Struct, kw_only=True):
    line: int
    email: str | None
    name: str | None
    actions: list[Action] = []
    errors: list[RowError] = []


class ImportPlan(msgspec.Struct, kw_only=True):
    applied: bool
    rows: list[RowPlan]
    rows_total: int
    rows_with_errors: int
    creates: int
    changes: int
    unchanged_rows: int
    #: a problem with the file as a whole (no header, an unknown or missing column): nothing else is read
    file_error: str | None = None


def _header_map(header: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    found: dict[str, int] = {}
    for i, raw in enumerate(header):
        name = raw.strip().lower().lstrip("\ufeff")
        for column, names in HEADERS.items():
            if name in names and column not in found:
                found[column] = i
    return found, [c for c in REQUIRED if c not in found]


def parse(text: str) -> tuple[list[tuple[int, dict[str, str]]], str | None]:
    """(line number, column → cell) per data row, or a file error."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        return [], "The file is empty."
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first = text.splitlines()[0] if text.splitlines() else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        return [], f"The file is not readable as CSV ({exc}); save it as CSV (UTF-8) and try again."
    if not rows:
        return [], "The file is empty."
    columns, missing = _header_map(rows[0])
    if missing:
        return [], f"Missing column(s): {', '.join(missing)} (the first line names the columns)."
    out = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        out.append((number, {col: (cells[i].strip() if i < len(cells) else "") for col, i in columns.items()}))
    if len(out) > MAX_ROWS:
        return [], f"At most {MAX_ROWS} rows in one file."
    return out, None


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def check_row(cells: dict[str, str]) -> list[RowError]:
    """What is wrong with a row on its own (before the database is asked). A personnummer anywhere
    refuses the row, and the message never repeats it."""
    errors = [RowError(col, "identity_number", f"The column {col} holds a personnummer: remove it.")
              for col, value in cells.items() if contains_identity_number(value)]
    if errors:
        return errors
    errors += [RowError(col, "required", f"The column {col} is empty.") for col in REQUIRED if not cells.get(col)]
    for col in ("email", "clinical_supervisor", "main_supervisor"):
        if cells.get(col) and not EMAIL.match(cells[col]):
            errors.append(RowError(col, "bad_email", f"{cells[col]!r} is not an e-mail address."))
    start, end = _day(cells.get("start", "")), _day(cells.get("end", ""))
    for col, day in (("start", start), ("end", end)):
        if cells.get(col) and day is None:
            errors.append(RowError(col, "bad_date", "Write the day as YYYY-MM-DD."))
    if start and end and end < start:
        errors.append(RowError("end", "ends_before_start", "The placement ends before it starts."))
    if cells.get("programme") and cells["programme"].upper() not in KINDS:
        errors.append(RowError("programme", "unknown_programme_kind", "The programme is BT, ST or AT."))
    if cells.get("placement_type") and cells["placement_type"].lower() not in TYPES:
        errors.append(RowError("placement_type", "unknown_type", f"The type is one of {', '.join(TYPES)}."))
    rate = cells.get("employment_rate_percent", "").rstrip("% ")
    if rate and not (rate.isdigit() and 1 <= int(rate) <= 100):
        errors.append(RowError("employment_rate_percent", "bad_rate", "The rate is a whole number from 1 to 100."))
    return errors


class _World:
    """What the database holds that rows refer to, read once per import (and updated as rows apply)."""

    def __init__(self) -> None:
        self.users: dict[str, dict[str, Any]] = {}
        self.roles: dict[int, set[str]] = {}
        self.units: dict[str, int] = {}
        self.programmes: dict[tuple[int, str, int], dict[str, Any]] = {}
        self.placements: dict[tuple[int, str, str], dict[str, Any]] = {}
        #: ids a dry run gives what it would create (negative: never a row's)
        self.placeholder = 0

    @classmethod
    async def read(cls, tx: Tx) -> _World:
        w = cls()
        for u in await tx.fetch("SELECT id, email, name, active FROM users"):
            w.users[u["email"].lower()] = dict(u)
        for r in await tx.fetch("SELECT user_id, role FROM user_roles"):
            w.roles.setdefault(int(r["user_id"]), set()).add(r["role"])
        for u in await tx.fetch("SELECT id, name FROM units"):
            w.units[u["name"].strip().lower()] = int(u["id"])
        for p in await tx.fetch("SELECT id, trainee_id, kind, unit_id, main_supervisor_id FROM programmes"):
            w.programmes[(int(p["trainee_id"]), p["kind"], int(p["unit_id"]))] = dict(p)
        for pl in await tx.fetch("SELECT id, programme_id, start_date, end_date, specialty, clinical_supervisor_id, "
                                 "placement_type, employment_rate_percent FROM placements"):
            w.placements[(int(pl["programme_id"]), pl["start_date"], pl["end_date"])] = dict(pl)
        return w

    def supervisor(self, email: str, role: str, column: str, errors: list[RowError]) -> int | None:
        if not email:
            return None
        user = self.users.get(email.lower())
        if user is None or not user["active"]:
            errors.append(RowError(column, "unknown_supervisor", f"No active account has the e-mail {email}: add her first."))
            return None
        if role not in self.roles.get(int(user["id"]), set()):
            errors.append(RowError(column, "not_a_supervisor", f"{email} does not have the role {role}."))
            return None
        return int(user["id"])


async def _plan_row(tx: Tx, w: _World, line: int, cells: dict[str, str], apply: bool) -> RowPlan:
    errors = check_row(cells)
    plan = RowPlan(line=line, email=None if any(e.code == "identity_number" for e in errors) else cells.get("email"),
                   name=None if any(e.code == "identity_number" for e in errors) else cells.get("name"))
    if errors:
        plan.errors = errors
        return plan
    unit = w.units.get(cells["unit"].lower())
    if unit is None:
        errors.append(RowError("unit", "unknown_unit", f"No unit is named {cells['unit']!r}: create it first."))
    ks = w.supervisor(cells.get("clinical_supervisor", ""), "clinical_supervisor", "clinical_supervisor", errors)
    hhl = w.supervisor(cells.get("main_supervisor", ""), "main_supervisor", "main_supervisor", errors)
    if errors or unit is None:
        plan.errors = errors
        return plan
    kind = cells["programme"].upper()
    email = cells["email"].lower()
    user = w.users.get(email)
    created = user is None
    if user is None:
        plan.actions.append(Action("create_user", f"{cells['name']} <{email}>, BT-läkare"))
        user_id = await _insert(tx, w, apply, "INSERT INTO users (email, name, title, password_hash, active, created_at) "
                                           "VALUES (?, ?, NULL, NULL, 1, ?) RETURNING id", (email, cells["name"], utc_now()))
        user = {"id": user_id, "email": email, "name": cells["name"], "active": 1}
        w.users[email] = user
        w.roles[user_id] = set()
    if "trainee" not in w.roles.get(int(user["id"]), set()):
        if not created:
            plan.actions.append(Action("add_trainee_role", email))
        await _insert(tx, w, apply, "INSERT INTO user_roles (user_id, role, unit_id) VALUES (?, 'trainee', NULL) RETURNING id",
                      (user["id"],))
        w.roles.setdefault(int(user["id"]), set()).add("trainee")
    key = (int(user["id"]), kind, unit)
    programme = w.programmes.get(key)
    if programme is None:
        plan.actions.append(Action("create_programme", f"{kind}, {cells['unit']}, från {cells['start']}"))
        pid = await _insert(tx, w, apply, "INSERT INTO programmes (trainee_id, kind, unit_id, main_supervisor_id, start_date, "
                                       "end_date) VALUES (?, ?, ?, ?, ?, NULL) RETURNING id",
                            (user["id"], kind, unit, hhl, cells["start"]))
        programme = {"id": pid, "main_supervisor_id": hhl}
        w.programmes[key] = programme
    elif hhl is not None and programme["main_supervisor_id"] != hhl:
        plan.actions.append(Action("change_hhl", cells["main_supervisor"]))
        if apply:
            await tx.execute("UPDATE programmes SET main_supervisor_id = ? WHERE id = ?", (hhl, programme["id"]))
        programme["main_supervisor_id"] = hhl
    placement_key = (int(programme["id"]), cells["start"], cells["end"])
    placement_type = cells.get("placement_type", "").lower() or None
    rate = int(cells.get("employment_rate_percent", "").rstrip("% ") or 100)
    wanted = {"specialty": cells["specialty"], "clinical_supervisor_id": ks, "placement_type": placement_type,
              "employment_rate_percent": rate}
    placement = w.placements.get(placement_key)
    if placement is None:
        plan.actions.append(Action("create_placement", f"{cells['specialty']}, {cells['start']} – {cells['end']}"))
        plid = await _insert(tx, w, apply, "INSERT INTO placements (programme_id, unit_id, specialty, start_date, end_date, "
                                        "clinical_supervisor_id, placement_type, employment_rate_percent, absence_days) "
                                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING id",
                             (programme["id"], unit, cells["specialty"], cells["start"], cells["end"], ks, placement_type, rate))
        w.placements[placement_key] = {"id": plid, **wanted}
    else:
        changed = {k: v for k, v in wanted.items() if placement.get(k) != v and not (k == "placement_type" and v is None)}
        if changed:
            plan.actions.append(Action("change_placement", ", ".join(sorted(changed))))
            if apply:
                sets = ", ".join(f"{k} = ?" for k in changed)
                await tx.execute(f"UPDATE placements SET {sets} WHERE id = ?", (*changed.values(), placement["id"]))
            placement.update(changed)
    return plan


async def _insert(tx: Tx, w: _World, apply: bool, sql: str, params: tuple[Any, ...]) -> int:
    """The new row's id when applying; a placeholder in a dry run."""
    if not apply:
        w.placeholder -= 1
        return w.placeholder
    row = await tx.fetchone(sql, params)
    assert row is not None
    return int(row["id"])


async def plan_import(tx: Tx, text: str, apply: bool) -> ImportPlan:
    """The plan of ``text`` (and, with ``apply``, its changes made in ``tx``)."""
    rows, file_error = parse(text)
    if file_error:
        return ImportPlan(applied=False, rows=[], rows_total=0, rows_with_errors=0, creates=0, changes=0,
                          unchanged_rows=0, file_error=file_error)
    world = await _World.read(tx)
    seen: dict[tuple[str, str, str], int] = {}
    plans = []
    for line, cells in rows:
        key = (cells.get("email", "").lower(), cells.get("start", ""), cells.get("end", ""))
        if key in seen and all(key):
            plans.append(RowPlan(line=line, email=cells.get("email"), name=cells.get("name"), errors=[
                RowError("email", "duplicate_row", f"The same person and period as line {seen[key]}.")]))
            continue
        seen[key] = line
        plans.append(await _plan_row(tx, world, line, cells, apply))
    actions = [a for p in plans for a in p.actions]
    return ImportPlan(
        applied=apply, rows=plans, rows_total=len(plans), rows_with_errors=sum(1 for p in plans if p.errors),
        creates=sum(1 for a in actions if a.what.startswith("create")),
        changes=sum(1 for a in actions if not a.what.startswith("create")),
        unchanged_rows=sum(1 for p in plans if not p.errors and not p.actions))
