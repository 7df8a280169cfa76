"""Issue 8, item 3: every identity text of the personnummer corpus, pushed through every field, id and
header a client controls, on every endpoint that takes input, is stored nowhere and echoed nowhere.

The test first makes the legitimate flows happen (assessments created, edited, signed, acknowledged
and amended; a conflict; requests e-mailed over real SMTP, claimed on a device, signed through the
link, a receipt queued and mailed, a dispute; a displaced answer; a decline; admin data), so that
every table has rows and the refused inputs sit beside real data. Then, place by place, it pushes the
corpus (all of it through the text fields of ``/api/sync`` and the JSON bodies, a handful of formats
through path ids, query parameters and headers, every format at least once somewhere relevant).

At the end it reads every column of every table (SQLite: ``sqlite_master`` + ``PRAGMA table_info``;
PostgreSQL: ``information_schema.columns``), every HTTP response of the whole test (body and
headers) and every mail the SMTP server received, and expects no identity number in any of them.
The database is also read after each section, so a leak is reported with the place that caused it.

``test_identity_numbers_sent_as_json_numbers_are_stored_nowhere`` does the same for the corpus's
digit-only forms sent as JSON *numbers* (which a text guard does not look at).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from litestar.testing import AsyncTestClient

import tests.requests_support as support
from server.auth.sessions import COOKIE_NAME
from server.auth.devices import DEVICE_COOKIE
from server.privacy.personnummer import contains_identity_number, find_identity_numbers
from tests.helpers import MINI_CEX_COMPLETE, in_app
from tests.mail_support import MailServer, body
from tests.requests_support import ME, bearer, device_key, token_of
from tests.world import PASSWORD, World, login
from server.privacy.ids import new_id
from server.settings import Settings
from server import clock
from server.plans.reminders import run_plan_reminders

smtp = support.smtp  # fixture: a real SMTP server (aiosmtpd)


@pytest.fixture
def settings(settings: Settings, smtp: MailServer) -> Settings:
    """Real SMTP, no demo mode; and the benchmark's echo route (BEDSIDE_BENCHMARK_ROUTES), which is probed too."""
    return dataclasses.replace(support.with_real_smtp(settings, smtp), benchmark_routes=True)


CORPUS = json.loads((Path(__file__).parent / "data" / "personnummer_corpus.json").read_text())
IDENTITY: list[str] = [entry["text"] for entry in CORPUS["identity"]]

#: a handful of texts that between them cover every format (12/10 digits; '-', '+', space, none,
#: no-break space, en dash; samordningsnummer; century 18 and 20; in a sentence, on its own line)
FEW: list[str] = [
    "19121212-1212", "191212121212", "121212-1212", "1212121212", "121212+1212", "121212 1212",
    "19121212 1212", "701063-2391", "Pat. 151124+0069.", "19121212\u20131212", "121212\u00a01212",
    "Line one\n19121212-1212\nline three", "Född 20000229-4585, feber", "18151124-0069",
]
#: what may travel in an HTTP header: one line of latin-1 (sent as bytes: the no-break space too)
HEADER_TEXTS: list[str] = [t for t in IDENTITY if "\n" not in t and all(ord(ch) < 256 for ch in t)]
#: what may travel in a token or a cookie as it is (ASCII, no white space)
ADDRESS_TEXTS: list[str] = [t for t in IDENTITY if t.isascii() and not re.search(r"\s", t)]

CANARY = "KANARIE"  # in every legitimate text: the scan must find it (it really reads the cells)


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


#: every identity number of the corpus, digits only: 12-digit and 10-digit (YYMMDDNNNC) forms
DIGIT_FORMS: set[str] = set()
for _text in IDENTITY:
    for _match in find_identity_numbers(_text):
        DIGIT_FORMS.add(_digits(_text[_match.start:_match.end]))
CORES: set[str] = {d[-10:] for d in DIGIT_FORMS}

# A core written with any separator the detector accepts (or one of those separators JSON-escaped),
# anywhere, even glued to other digits (a JSON Pointer escapes "/" as "~1", which puts a digit right
# before the number). Deliberately no date or check-digit test: this finds exactly the corpus's own
# ten numbers in any shape, and random hex holds a given run of ten digits about never.
_SEP = r"(?:[-+ \u00a0\u2010-\u2013]|\\u00a0|\\u201[0-3])?"
NEEDLE = re.compile("|".join(f"{c[:6]}{_SEP}{c[6:]}" for c in sorted(CORES)))


def _uuid_probes() -> list[str]:
    """Valid device-made ids (lower-case UUIDs) that carry a corpus identity number."""
    out: list[str] = []
    for d in sorted(DIGIT_FORMS):
        if len(d) == 12:
            out += [f"00000000-0000-4000-8000-{d}", f"{d[:8]}-{d[8:]}-4000-8000-000000000000"]
        else:
            out += [f"00000000-0000-4000-8000-a{d}b", f"ab{d[:6]}-{d[6:]}-4000-8000-000000000000"]
    return out


def _device_key_probes() -> list[str]:
    """Valid device keys (32 lower-case hex digits) that carry a corpus identity number."""
    return [(f"ab{d}b" + "0" * 32)[:32] for d in sorted(DIGIT_FORMS)]


UUID_PROBES = _uuid_probes()
DEVICE_KEY_PROBES = _device_key_probes()


def identity_in(text: str) -> list[str]:
    """What of the corpus ``text`` holds: a corpus text verbatim, a corpus number in any shape, or a
    detector hit whose number is a corpus number. Detector hits on other numbers are ignored on
    purpose: token hashes, nonces, content hashes and UUIDs are random hex, and about one 64-digit hex
    hash in 2000 (one UUID in 10000) holds a run of ten digits with a valid date and check digit, which
    over thousands of such cells would fail the test now and then. Such a number was never sent by
    anybody, so it cannot be a leak: every probe of this test carries a corpus number."""
    found = [t for t in IDENTITY if t in text]
    found += [m.group(0) for m in NEEDLE.finditer(text)]
    for m in find_identity_numbers(text):
        if _digits(text[m.start:m.end])[-10:] in CORES:
            found.append(text[m.start:m.end])
    return sorted(set(found))


def _excerpt(text: str, snippet: str) -> str:
    at = max(text.find(snippet), 0)
    return repr(text[max(at - 80, 0):at + len(snippet) + 80])


# --- reading the whole database ---------------------------------------------------------------------


async def table_columns(db: Any) -> dict[str, list[str]]:
    """Every table and its columns; the only engine-specific SQL of this test."""
    tables: dict[str, list[str]] = {}
    if db.dialect == "sqlite":
        for t in await db.fetch("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            tables[t["name"]] = [c["name"] for c in await db.fetch(f"PRAGMA table_info(\"{t['name']}\")")]
    else:
        for c in await db.fetch("SELECT table_name, column_name FROM information_schema.columns "
                                "WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"):
            tables.setdefault(c["table_name"], []).append(c["column_name"])
    return tables


@dataclass
class Scan:
    cells: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    #: (table, column, row) -> what of the corpus it holds, and the cell around it
    hits: dict[tuple[str, str, str], str] = field(default_factory=dict)
    canaries: dict[str, int] = field(default_factory=dict)  # table -> cells holding CANARY


async def scan_database(db: Any) -> Scan:
    scan = Scan()
    for table, columns in (await table_columns(db)).items():
        listed = ", ".join(f'"{c}"' for c in columns)
        rows = await db.fetch(f'SELECT {listed} FROM "{table}"')
        scan.rows[table] = len(rows)
        for index, row in enumerate(rows):
            key = f"{columns[0]}={row[columns[0]]}" if columns else str(index)
            for column in columns:
                value = row[column]
                if value is None:
                    continue
                text = value.decode("utf-8", "replace") if isinstance(value, bytes | bytearray) else str(value)
                scan.cells += 1
                if CANARY in text:
                    scan.canaries[table] = scan.canaries.get(table, 0) + 1
                found = identity_in(text)
                if found:
                    scan.hits[(table, column, key)] = f"{found} in {_excerpt(text, found[0])}"
    return scan


# --- the client side: every response recorded, probes that must be refused ---------------------------


@dataclass
class Recorded:
    section: str
    label: str
    request: str
    status: int
    text: str  # headers and body


class Run:
    """What one test run sent and saw: every response, every problem, the section it is in."""

    def __init__(self, client: AsyncTestClient) -> None:
        self.client = client
        self.section = "setup"
        self.label = ""
        self.responses: list[Recorded] = []
        #: (section, place) -> what went wrong, one line per probe
        self.problems: dict[tuple[str, str], list[str]] = {}
        #: (table, column, row) -> (the section after which it was first seen, what it holds)
        self.leaks: dict[tuple[str, str, str], tuple[str, str]] = {}
        self.places: dict[str, int] = {}  # "section / place" -> probes sent
        client.event_hooks = {"request": [], "response": [self._record]}

    async def _record(self, response: httpx.Response) -> None:
        await response.aread()
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        self.responses.append(Recorded(self.section, self.label or "legitimate",
                                       f"{response.request.method} {response.request.url.path}",
                                       response.status_code, f"{headers}\n\n{response.text}"))

    def count(self, place: str, n: int = 1) -> None:
        key = f"{self.section} / {place}"
        self.places[key] = self.places.get(key, 0) + n

    def problem(self, place: str, detail: str) -> None:
        self.problems.setdefault((self.section, place), []).append(detail)

    async def refused(self, place: str, method: str, url: str, *, expect: Iterable[int] | None = None,
                      **kwargs: Any) -> httpx.Response:
        """Send one probe that must be refused (any 4xx; ``expect``: exactly these statuses)."""
        self.label = place
        self.count(place)
        response = await self.client.request(method, url, **kwargs)
        self.label = ""
        allowed = set(expect) if expect is not None else set(range(400, 500))
        if response.status_code not in allowed:
            sent = {k: v for k, v in kwargs.items() if k in ("json", "content", "params")}
            headers = {k: v for k, v in kwargs.get("headers", {}).items()  # not the session's own CSRF token
                       if not (k == "X-CSRF-Token" and isinstance(v, str) and re.fullmatch("[0-9a-f]{64}", v))}
            sent |= {"headers": headers} if headers else {}
            self.problem(place, f"{method} {url[:100]!r} with {repr(sent)[:300]} answered {response.status_code} "
                                f"(expected a refusal): {response.text[:160]!r}")
        return response

    async def sent(self, place: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send one probe whatever it is answered (what counts is what is stored and echoed)."""
        self.label = place
        self.count(place)
        response = await self.client.request(method, url, **kwargs)
        self.label = ""
        return response

    async def checkpoint(self, db: Any) -> Scan:
        """Read the whole database; a leak not seen before is put down to the section just run."""
        scan = await in_app(self.client, scan_database, db)
        for key, what in scan.hits.items():
            self.leaks.setdefault(key, (self.section, what))
        return scan

    def echoes(self) -> list[tuple[Recorded, list[str]]]:
        return [(r, found) for r in self.responses for found in [identity_in(r.text)] if found]

    def report(self) -> str:
        """Leaks grouped by where they were stored or echoed, one example each; then the other problems."""
        lines: list[str] = []
        stored: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for (table, column, row), (section, what) in sorted(self.leaks.items()):
            stored.setdefault((section, f"{table}.{column}"), []).append((row, what))
        lines.append(f"STORED: {len(self.leaks)} cell(s) hold a corpus identity number")
        for (section, where), rows in stored.items():
            lines.append(f"  after [{section}]: {where}: {len(rows)} row(s), e.g. {rows[0][0]}: {rows[0][1]}")
        echoed: dict[tuple[str, str, str], list[tuple[Recorded, list[str]]]] = {}
        for r, found in self.echoes():
            request = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "{id}", r.request)
            echoed.setdefault((r.section, r.label, request), []).append((r, found))
        lines.append(f"ECHOED: {sum(len(v) for v in echoed.values())} response(s) hold a corpus identity number")
        for (section, label, _), hits in echoed.items():
            r, found = hits[0]
            lines.append(f"  [{section}] {label}: {len(hits)} response(s), e.g. {r.request} -> {r.status}: "
                         f"{_excerpt(r.text, found[0])}")
        lines.append(f"OTHER: {sum(len(v) for v in self.problems.values())} problem(s)")
        for (section, place), details in self.problems.items():
            lines.append(f"  [{section}] {place}: {len(details)} time(s), e.g. {details[0]}")
        return "\n".join(lines)


# --- sync helpers ---------------------------------------------------------------------------------------


class Device:
    """One device's outbox: mutation ids 1, 2, 3... (kept only when the server processed the push)."""

    def __init__(self, run: Run, client_id: str, token: str | None = None) -> None:
        self.run, self.client_id, self.token, self.next_id = run, client_id, token, 1

    def _headers(self, csrf: dict[str, str] | None) -> dict[str, str]:
        return bearer(self.token) if self.token else dict(csrf or {})

    async def push(self, mutations: list[dict[str, Any]], csrf: dict[str, str] | None = None,
                   **kwargs: Any) -> httpx.Response:
        numbered = []
        for n, m in enumerate(mutations):
            numbered.append({**m, "id": self.next_id + n, "at": 1_800_000_000_000 + self.next_id + n})
        response = await self.run.client.post(
            "/api/sync", headers={**self._headers(csrf), **kwargs.pop("headers", {})},
            json={"client_id": self.client_id, "since": 0, "mutations": numbered}, **kwargs)
        if response.status_code == 200:
            self.next_id += len(mutations)
        return response

    async def legit(self, mutations: list[dict[str, Any]], csrf: dict[str, str] | None = None) -> list[dict[str, Any]]:
        response = await self.push(mutations, csrf)
        assert response.status_code == 200, response.text
        results = response.json()["results"]
        assert all(r["status"] in ("applied", "conflict") for r in results), results
        return results  # type: ignore[no-any-return]

    async def probes(self, probes: list[tuple[str, dict[str, Any]]], csrf: dict[str, str] | None = None,
                     legit: dict[str, Any] | None = None) -> None:
        """Push ``(place, mutation)`` probes in batches, each beside one legitimate mutation; every probe
        must be rejected as ``identity_number`` (whatever else would refuse it), a refused id blanked."""
        for start in range(0, len(probes), 99):
            batch = probes[start:start + 99]
            for place, _ in batch:
                self.run.count(place)
            mutations = [m for _, m in batch] + ([legit] if legit else [])
            self.run.label = "sync batch"
            response = await self.push(mutations, csrf)
            self.run.label = ""
            if response.status_code != 200:
                self.run.problem("sync batch", f"answered {response.status_code}: {response.text[:300]!r}")
                continue
            results = response.json()["results"]
            for (place, m), r in zip(batch, results):
                id_refused = m["doc_id"] in UUID_PROBES or not isinstance(m.get("doc_id"), str)
                if r["status"] != "rejected" or r["reason"] != "identity_number" or (id_refused and r["doc_id"] != ""):
                    self.run.problem(place, f"{json.dumps(m, ensure_ascii=False)[:200]} -> {r}")
            if legit and results[-1]["status"] not in ("applied", "conflict"):
                self.run.problem("the legitimate mutation beside the probes", str(results[-1]))


def latin1(text: str) -> bytes:
    """A header value as bytes (httpx would refuse a str outside ASCII)."""
    return text.encode("latin-1")


def mut(kind: str, doc_id: str, **body: Any) -> dict[str, Any]:
    return {"kind": kind, "doc_id": doc_id, **body}


async def mailed_token(smtp: MailServer, to: str, subject_part: str = "") -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        mails = [m for m in smtp.to(to) if subject_part in m["Subject"]]
        if mails:
            match = re.search(r"https?://\S+#/\S+", body(mails[-1]))
            assert match, body(mails[-1])
            return token_of(match.group(0))
        await asyncio.sleep(0.05)
    raise AssertionError(f"no mail to {to} ({subject_part}): {[m['Subject'] for m in smtp.messages]}")


async def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text}"
    return response.json() if "json" in response.headers.get("content-type", "") else response.text


# --- the acceptance test ----------------------------------------------------------------------------------


async def test_the_corpus_pushed_through_every_input_is_stored_and_echoed_nowhere(
    client: AsyncTestClient, world: World, smtp: MailServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 8, item 3: 0 found. Each section below is one kind of input; the database is read after
    each, so a failure names the section that stored something, the table, the column and the row.

    Not pushed on purpose: the protocol's own integers (mutation ``id``, ``at``, ``since``,
    ``base_version``), which are counters and clocks, not text; ``/dev/mail``, which exists only in demo
    mode. ``X-Forwarded-For`` is sent, but only a trusted proxy's is believed and then only as an IP
    address, and the test client's peer ("testclient") is not one: no setting makes it believed here."""
    caplog.set_level(logging.WARNING, logger="httpx")  # thousands of requests: no line for each
    started = time.monotonic()
    for text in IDENTITY + UUID_PROBES + DEVICE_KEY_PROBES:  # every probe really is an identity number
        assert contains_identity_number(text), text
    db = client.app.state.db
    run = Run(client)
    A, OTHER = world.id("assessor"), world.id("other_trainee")
    complete = {**MINI_CEX_COMPLETE, "focus": f"{CANARY} Bröstsmärta", "strengths": f"{CANARY} Ring 031-123 45 67",
                "development_areas": "BT 120/80, puls 72; Hb 134 g/L, CRP 12"}  # not identity numbers

    # ---------------------------------------------------------------- legitimate flows: every table has rows
    run.section = "legitimate flows"
    T = await login(client, world, "trainee")
    AS = await login(client, world, "assessor")
    await login(client, world, "trainee")

    async def create(headers: dict[str, str], **body: Any) -> str:
        # version 1, where the trainee fills in every field (from version 2 the assessor rates): these
        # flows carry the canary through every field, whoever types it
        view = await ok(await client.post("/api/assessments", headers=headers,
                                          json={"form_id": "mini-cex", "form_version": 1, **body}), 201)
        return str(view["doc_id"])

    # doc1: created, submitted, signed by the assessor (logged in), acknowledged, amended
    doc1 = await create(T, assessor_id=A, data=complete)
    await ok(await client.post(f"/api/assessments/{doc1}/submit", headers=T))
    await login(client, world, "assessor")
    await ok(await client.post(f"/api/assessments/{doc1}/sign", headers=AS))
    await login(client, world, "trainee")
    await ok(await client.post(f"/api/assessments/{doc1}/acknowledge", headers=T,
                               json={"reflection": f"{CANARY} reflektion"}))
    amended = await ok(await client.post(f"/api/assessments/{doc1}/amend", headers=T,
                                         json={"data": {**complete, "agreed_action": f"{CANARY} rättelse"}}), 201)
    # doc4: submitted (waits for the signature); doc5: signed (waits for the trainee's acknowledgement)
    doc4 = await create(T, assessor_id=A, data=complete)
    await ok(await client.post(f"/api/assessments/{doc4}/submit", headers=T))
    doc5 = await create(T, assessor_id=A, data=complete)
    await ok(await client.post(f"/api/assessments/{doc5}/submit", headers=T))
    await login(client, world, "assessor")
    await ok(await client.post(f"/api/assessments/{doc5}/sign", headers=AS))
    await ok(await client.patch(f"/api/assessments/{amended['doc_id']}", headers=AS,
                                json={"base_version": 1, "data": {"minutes_feedback": 12}}))
    # doc3: the other trainee's draft (not the trainee's to see)
    OT = await login(client, world, "other_trainee")
    doc3 = await create(OT, data={"focus": f"{CANARY} annan"}, assessor_id=world.id("other_assessor"))
    # doc2: made offline on the trainee's phone, then a conflict with the assessor's phone (left open)
    await login(client, world, "trainee")
    phone = Device(run, "phone-of-tove")
    doc2 = new_id()
    await phone.legit([mut("create", doc2, form_id="mini-cex", form_version=1, data={"focus": f"{CANARY} fokus"},
                           meta={"assessor_id": A})], T)
    await login(client, world, "assessor")
    asta = Device(run, "phone-of-asta")
    await asta.legit([mut("edit", doc2, base_version=1, fields={"/focus": f"{CANARY} Hjärtsvikt"})], AS)
    await login(client, world, "trainee")
    results = await phone.legit([mut("edit", doc2, base_version=1, fields={"/focus": f"{CANARY} KOL",
                                                                           "/setting": "mottagning"})], T)
    assert results[0]["status"] == "conflict"
    # a legitimately refused change is kept for its sender (refused_mutations has a row)
    refused = await phone.push([mut("edit", doc2, base_version=3, fields={"/setting": f"{CANARY} duvpost"})], T)
    assert refused.json()["results"][0]["reason"] == "invalid", refused.text

    # requests: R1 e-mailed and answered through the link; R2 open (probes would claim or decline it);
    # R3 bedside (QR); R4 declined; R5 reminded, renewed and withdrawn
    async def ask(to: str, **body: Any) -> dict[str, Any]:
        return await ok(await client.post("/api/requests", headers=T, json={  # type: ignore[no-any-return]
            "form_id": "mini-cex", "channel": "email", "assessor_name": f"{CANARY} Erik Extern",
            "assessor_email": to, **body}), 201)

    await ask("erik.extern@sjukhus.test", message=f"{CANARY} Gärna idag på avd 12.",
                   placement_id=world.placements["placement"])
    await ask("anna.annan@sjukhus.test")
    r3 = await ok(await client.post("/api/requests", headers=T, json={"form_id": "mini-cex", "channel": "bedside"}), 201)
    await ok(await client.get(f"/api/requests/{r3['id']}/qr.svg", headers=T))
    await ask("nej.tack@sjukhus.test")
    r5 = await ask("ulla.upptagen@sjukhus.test")
    await ok(await client.post(f"/api/requests/{r5['id']}/remind", headers=T))
    await ok(await client.post(f"/api/requests/{r5['id']}/renew", headers=T))
    await ok(await client.post(f"/api/requests/{r5['id']}/withdraw", headers=T))
    await ok(await client.get("/api/requests", headers=T))
    token1 = await mailed_token(smtp, "erik.extern@sjukhus.test")
    token2 = await mailed_token(smtp, "anna.annan@sjukhus.test")
    token4 = await mailed_token(smtp, "nej.tack@sjukhus.test")
    client.cookies.clear()  # the assessors' phones: no session
    await ok(await client.get("/api/link", headers=bearer(token1)))
    claimed = await ok(await client.post("/api/link/claim", headers=bearer(token1),
                                         json={"device_key": device_key(), **ME, "title": f"{CANARY} Överläkare"}))
    secret1, docR = claimed["secret"], claimed["doc_id"]
    await ok(await client.post("/api/link/assessor", headers=bearer(secret1), json={"workplace": f"{CANARY} Akuten"}))
    assessor_phone = Device(run, "assessor-phone", secret1)
    await assessor_phone.legit([mut("edit", docR, base_version=1, fields={
        f"/{k}": v for k, v in complete.items()})])
    late = device_key()  # a second phone that filled the form offline: its answer is kept, displaced
    assert (await client.post("/api/link/claim", headers=bearer(token1), json={"device_key": late})).status_code == 409
    await ok(await client.post("/api/link/displaced", headers=bearer(token1), json={
        "device_key": late, "data": {"focus": f"{CANARY} Andnöd"}, "steps": ["submit"], "name": "Maja Sjöberg"}))
    await ok(await client.post("/api/link/decline", headers=bearer(token4), json={"reason": f"{CANARY} semester"}))
    # administration
    ADM = await login(client, world, "admin")
    unit = (await ok(await client.post("/api/admin/units", headers=ADM, json={
        "name": f"{CANARY} Kirurgkliniken", "region": "Region Test"}), 201))["id"]
    new_trainee = (await ok(await client.post("/api/admin/users", headers=ADM, json={
        "email": "ny.trainee@test.bedside.se", "name": f"{CANARY} Nina Ny", "roles": ["trainee"],
        "title": "BT-läkare"}), 201))["id"]
    programme = (await ok(await client.post("/api/admin/programmes", headers=ADM, json={
        "trainee_id": new_trainee, "kind": "BT", "unit_id": unit, "start_date": "2026-02-01"}), 201))["id"]
    placement = (await ok(await client.post("/api/admin/placements", headers=ADM, json={
        "programme_id": programme, "unit_id": unit, "specialty": f"{CANARY} Kirurgi", "start_date": "2026-02-01",
        "end_date": "2026-08-31", "clinical_supervisor_id": world.id("clinical_supervisor")}), 201))["id"]
    await ok(await client.get("/api/admin/users", headers=ADM))
    await ok(await client.get("/api/admin/units", headers=ADM))
    await ok(await client.put(f"/api/units/{unit}/rules", headers=ADM, json={"min_signed_by_midpoint": 3}))
    for t in IDENTITY:
        await run.refused("unit rules name", "PUT", f"/api/units/{unit}/rules", headers=ADM, json={t: 3})
        await run.refused("unit rules value", "PUT", f"/api/units/{unit}/rules", headers=ADM,
                          json={"min_signed_by_midpoint": t})
    await login(client, world, "trainee")
    await ok(await client.get("/api/colleagues", headers=T, params={"q": "asta"}))
    await ok(await client.get("/api/assessments", headers=T))
    await ok(await client.get("/api/home", headers=T))
    await ok(await client.get(f"/api/trainees/{world.id('trainee')}", headers=T))
    await ok(await client.get(f"/api/assessments/{doc1}/audit", headers=T))
    await ok(await client.get("/api/sync/refused", headers=T))
    scan = await run.checkpoint(db)
    assert scan.hits == {}, scan.hits  # nothing of the corpus before any probe

    # ---------------------------------------------------------------- POST /api/sync as the trainee's session
    run.section = "sync (session)"
    assert isinstance(placement, int) and isinstance(doc3, str)
    probes: list[tuple[str, dict[str, Any]]] = []
    for t in IDENTITY:
        c = {"form_id": "mini-cex", "form_version": 1}
        probes += [
            ("create data value", mut("create", new_id(), **c, data={"focus": t}, meta={"assessor_id": A})),
            ("create data key", mut("create", new_id(), **c, data={t: "x"}, meta={"assessor_id": A})),
            ("create data nested array", mut("create", new_id(), **c, data={"focus": ["ok", t]})),
            ("create data nested object", mut("create", new_id(), **c, data={"extra": {"a": {"b": t}}})),
            ("create data nested key", mut("create", new_id(), **c, data={"extra": {t: 1}})),
            ("create meta.trainee_id", mut("create", new_id(), **c, meta={"trainee_id": t})),
            ("create meta.assessor_name", mut("create", new_id(), **c, meta={"assessor_name": t})),
            ("create meta.assessor_email", mut("create", new_id(), **c,
                                               meta={"assessor_name": "Erik", "assessor_email": t})),
            ("create meta.placement_id", mut("create", new_id(), **c, meta={"assessor_id": A, "placement_id": t})),
            ("create meta.amends", mut("create", new_id(), **c, meta={"amends": t})),
            ("create meta unknown key's value", mut("create", new_id(), **c, meta={"assessor_id": A, "note": t})),
            ("create meta key", mut("create", new_id(), **c, meta={"assessor_id": A, t: 1})),
            ("create that exists", mut("create", doc2, **c, data={"focus": t})),
            ("create of an unknown form", mut("create", new_id(), form_id="finns-inte", form_version=1,
                                              data={"focus": t})),
            ("create for another trainee (forbidden)", mut("create", new_id(), **c, data={"focus": t},
                                                           meta={"trainee_id": OTHER})),
            ("edit value", mut("edit", doc2, base_version=1, fields={"/focus": t})),
            ("edit pointer", mut("edit", doc2, base_version=1, fields={"/" + t: "x"})),
            ("edit nested array value", mut("edit", doc2, base_version=1, fields={"/focus": ["x", [t]]})),
            ("edit nested object value", mut("edit", doc2, base_version=1, fields={"/focus": {"a": {"b": t}}})),
            ("edit nested object key", mut("edit", doc2, base_version=1, fields={"/focus": {t: "x"}})),
            ("edit of someone else's draft (not_found)", mut("edit", doc3, base_version=1, fields={"/focus": t})),
            ("edit of a signed assessment (locked)", mut("edit", doc5, base_version=1, fields={"/focus": t})),
            ("edit of a submitted assessment", mut("edit", doc4, base_version=1, fields={"/focus": t})),
            ("edit of an unknown assessment", mut("edit", new_id(), base_version=1, fields={"/focus": t})),
            ("edit from a future base_version", mut("edit", doc2, base_version=99, fields={"/focus": t})),
            ("resolve value", mut("resolve", doc2, fields={"/focus": t})),
            ("resolve pointer", mut("resolve", doc2, fields={"/" + t: "x"})),
            ("resolve nested", mut("resolve", doc2, fields={"/focus": [{"a": t}]})),
            ("resolve on a locked assessment", mut("resolve", doc1, fields={"/focus": t})),
            ("return reason (trainee: forbidden)", mut("return", doc4, reason=t)),
            ("return reason (draft)", mut("return", doc2, reason=t)),
            ("acknowledge reflection", mut("acknowledge", doc5, reflection=t)),
            ("acknowledge reflection (draft)", mut("acknowledge", doc2, reflection=t)),
        ]
    for u in UUID_PROBES:
        probes += [(f"doc_id of a {kind}", mut(kind, u, **body)) for kind, body in (
            ("create", {"form_id": "mini-cex", "form_version": 1, "meta": {"assessor_id": A}}),
            ("edit", {"base_version": 1, "fields": {"/focus": "x"}}), ("resolve", {"fields": {"/focus": "x"}}),
            ("submit", {}), ("return", {"reason": "x"}), ("sign", {}), ("acknowledge", {"reflection": "x"}),
            ("countersign", {}), ("delete", {}))]
        probes.append(("create meta.amends (a UUID)", mut("create", new_id(), form_id="mini-cex", form_version=1,
                                                          meta={"amends": u})))
    await phone.probes(probes, T, legit=mut("edit", doc2, base_version=3, fields={"/agreed_action": f"{CANARY} ok"}))
    await login(client, world, "assessor")
    await asta.probes([(place, m) for t in IDENTITY for place, m in (
        ("return reason (assessor: allowed)", mut("return", doc4, reason=t)),
        ("edit value (assessor)", mut("edit", doc2, base_version=2, fields={"/setting_other": t})),
        ("acknowledge reflection (assessor: forbidden)", mut("acknowledge", doc5, reflection=t)),
    )], AS)
    await login(client, world, "trainee")
    # ids that fail the protocol's own checks refuse the whole request: each in a request of its own
    for t in IDENTITY:
        run.count("client_id")
        run.label = "client_id"
        response = await client.post("/api/sync", headers=T, json={"client_id": t, "since": 0, "mutations": [
            {"kind": "edit", "id": 1, "doc_id": doc2, "at": 1, "base_version": 3, "fields": {"/setting": "annat"}}]})
        if response.status_code != 400:
            run.problem("client_id", f"{t!r}: {response.status_code} {response.text[:200]}")
        run.label = ""
        run.count("form_id")
        run.label = "form_id"
        response = await phone.push([mut("create", new_id(), form_id=t, form_version=1)], T)
        if response.status_code == 200:
            (result,) = response.json()["results"]
            if result["reason"] != "identity_number":
                run.problem("form_id", f"{t!r}: {result}")
        elif response.status_code != 400:
            run.problem("form_id", f"{t!r}: {response.status_code} {response.text[:200]}")
        run.count("doc_id (not a UUID)")
        run.label = "doc_id (not a UUID)"
        response = await phone.push([mut("submit", t)], T)
        run.label = ""
        if response.status_code != 400:
            run.problem("doc_id (not a UUID)", f"{t!r}: {response.status_code} {response.text[:200]}")
    await run.checkpoint(db)

    # ---------------------------------------------------------------- POST /api/sync as a request-link device
    run.section = "sync (request-link device)"
    client.cookies.clear()
    link_probes: list[tuple[str, dict[str, Any]]] = []
    for t in IDENTITY:
        link_probes += [
            ("edit value", mut("edit", docR, base_version=1, fields={"/focus": t})),
            ("edit pointer", mut("edit", docR, base_version=1, fields={"/" + t: "x"})),
            ("edit nested array value", mut("edit", docR, base_version=1, fields={"/strengths": [t]})),
            ("edit nested object value", mut("edit", docR, base_version=1, fields={"/strengths": {"a": t}})),
            ("edit nested object key", mut("edit", docR, base_version=1, fields={"/strengths": {t: 1}})),
            ("resolve value", mut("resolve", docR, fields={"/focus": t})),
            ("resolve pointer", mut("resolve", docR, fields={"/" + t: t})),
            ("return reason (draft)", mut("return", docR, reason=t)),
            ("acknowledge reflection (assessor: forbidden)", mut("acknowledge", docR, reflection=t)),
        ]
    await assessor_phone.probes(link_probes, legit=mut("edit", docR, base_version=2,
                                                       fields={"/agreed_action": f"{CANARY} via länk"}))
    for u in UUID_PROBES[::3]:  # another document: the whole push is refused (link_scope) before anything
        await run.refused("doc_id of an edit", "POST", "/api/sync", expect=[403], headers=bearer(secret1), json={
            "client_id": "assessor-phone", "since": 0, "mutations": [{"kind": "edit", "id": assessor_phone.next_id,
                                                                      "doc_id": u, "at": 1, "base_version": 1,
                                                                      "fields": {"/focus": "x"}}]})
        await run.refused("doc_id of a create", "POST", "/api/sync", expect=[403], headers=bearer(secret1), json={
            "client_id": "assessor-phone", "since": 0, "mutations": [{"kind": "create", "id": assessor_phone.next_id,
                                                                      "doc_id": u, "at": 1, "form_id": "mini-cex",
                                                                      "form_version": 1, "data": {}}]})
    for t in FEW:
        await run.refused("client_id", "POST", "/api/sync", expect=[400], headers=bearer(secret1), json={
            "client_id": t, "since": 0, "mutations": [{"kind": "edit", "id": 1, "doc_id": docR, "at": 1,
                                                       "base_version": 1, "fields": {"/setting": "annat"}}]})
        await run.refused("create data (link: refused)", "POST", "/api/sync", headers=bearer(secret1), json={
            "client_id": "assessor-phone", "since": 0, "mutations": [{"kind": "create", "id": assessor_phone.next_id,
                                                                      "doc_id": docR, "at": 1, "form_id": "mini-cex",
                                                                      "form_version": 1, "data": {"focus": t}}]})
    await run.checkpoint(db)

    # ---------------------------------------------------------------- the assessments API
    run.section = "assessments API"
    await login(client, world, "trainee")
    for t in IDENTITY:
        for place, payload in (
            ("create data value", {"assessor_id": A, "data": {"focus": t}}),
            ("create data key", {"assessor_id": A, "data": {t: "x"}}),
            ("create data nested", {"assessor_id": A, "data": {"focus": [{"a": t}]}}),
            ("create assessor_name", {"assessor_name": t, "assessor_email": "x@sjukhus.test"}),
            ("create assessor_email", {"assessor_name": "Erik", "assessor_email": t}),
            ("create id", {"assessor_id": A, "id": t}),
            ("create unknown field", {"assessor_id": A, t: 1}),
            ("create trainee_id", {"assessor_id": A, "trainee_id": t}),
            ("create placement_id", {"assessor_id": A, "placement_id": t}),
        ):
            await run.refused(place, "POST", "/api/assessments", headers=T, json={"form_id": "mini-cex", **payload})
        await run.refused("create form_id", "POST", "/api/assessments", headers=T, json={"form_id": t, "assessor_id": A})
        await run.refused("edit data value", "PATCH", f"/api/assessments/{doc2}", headers=T,
                          json={"base_version": 3, "data": {"focus": t}})
        await run.refused("edit data key", "PATCH", f"/api/assessments/{doc2}", headers=T,
                          json={"base_version": 3, "data": {t: "x"}})
        await run.refused("edit data nested", "PATCH", f"/api/assessments/{doc2}", headers=T,
                          json={"base_version": 3, "data": {"focus": {"a": [t]}}})
        await run.refused("edit of someone else's draft", "PATCH", f"/api/assessments/{doc3}", headers=T,
                          json={"base_version": 1, "data": {"focus": t}})
        await run.refused("edit of a signed assessment", "PATCH", f"/api/assessments/{doc5}", headers=T,
                          json={"base_version": 1, "data": {"focus": t}})
        await run.refused("resolve value", "POST", f"/api/assessments/{doc2}/resolve", headers=T,
                          json={"fields": {"/focus": t}})
        await run.refused("resolve pointer", "POST", f"/api/assessments/{doc2}/resolve", headers=T,
                          json={"fields": {"/" + t: "x"}})
        await run.refused("return reason (trainee)", "POST", f"/api/assessments/{doc4}/return", headers=T,
                          json={"reason": t})
        await run.refused("acknowledge reflection", "POST", f"/api/assessments/{doc5}/acknowledge", headers=T,
                          json={"reflection": t})
        await run.refused("amend data", "POST", f"/api/assessments/{doc1}/amend", headers=T,
                          json={"data": {**complete, "focus": t}})
        await run.refused("amend id", "POST", f"/api/assessments/{doc1}/amend", headers=T, json={"id": t})
    for u in UUID_PROBES:
        await run.refused("create id (a UUID)", "POST", "/api/assessments", headers=T,
                          json={"form_id": "mini-cex", "assessor_id": A, "id": u, "data": {}})
        await run.refused("amend id (a UUID)", "POST", f"/api/assessments/{doc1}/amend", headers=T, json={"id": u})
    for p in FEW + UUID_PROBES[::2]:
        path = f"/api/assessments/{quote(p, safe='')}"
        for place, method, url, kwargs in (
            ("GET path id", "GET", path, {}), ("audit path id", "GET", f"{path}/audit", {}),
            ("edit path id", "PATCH", path, {"json": {"base_version": 1, "data": {"focus": "x"}}}),
            ("resolve path id", "POST", f"{path}/resolve", {"json": {"fields": {"/focus": "x"}}}),
            ("submit path id", "POST", f"{path}/submit", {}), ("sign path id", "POST", f"{path}/sign", {}),
            ("return path id", "POST", f"{path}/return", {"json": {"reason": "x"}}),
            ("acknowledge path id", "POST", f"{path}/acknowledge", {}),
            ("countersign path id", "POST", f"{path}/countersign", {}),
            ("amend path id", "POST", f"{path}/amend", {}), ("delete path id", "DELETE", path, {}),
        ):
            await run.refused(place, method, url, headers=T, **kwargs)
    for t in FEW:
        for name, value in (("status", t), ("form_id", t), ("trainee_id", t), (t, "1"), ("x", t)):
            await run.refused("list query parameter", "GET", "/api/assessments", headers=T, params={name: value})
    await login(client, world, "assessor")
    for t in IDENTITY:
        await run.refused("return reason (assessor: allowed)", "POST", f"/api/assessments/{doc4}/return", headers=AS,
                          json={"reason": t})
        await run.refused("edit data value (assessor)", "PATCH", f"/api/assessments/{doc2}", headers=AS,
                          json={"base_version": 3, "data": {"setting_other": t}})
    await run.checkpoint(db)

    # ---------------------------------------------------------------- requests
    run.section = "requests API"
    await login(client, world, "trainee")
    base = {"form_id": "mini-cex", "channel": "email", "assessor_name": "Erik Ek", "assessor_email": "e@sjukhus.test"}
    for t in IDENTITY:
        for place, payload in (
            ("create message", {"message": t}), ("create assessor_name", {"assessor_name": t}),
            ("create assessor_email", {"assessor_email": t}), ("create id", {"id": t}),
            ("create assessment_id", {"assessment_id": t}), ("create form_id", {"form_id": t}),
            ("create channel", {"channel": t}), ("create unknown field", {t: "x"}),
            ("create bedside message", {"channel": "bedside", "message": t, "assessor_name": None,
                                        "assessor_email": None}),
        ):
            await run.refused(place, "POST", "/api/requests", headers=T, json={**base, **payload})
    for u in UUID_PROBES:
        await run.refused("create id (a UUID)", "POST", "/api/requests", headers=T, json={**base, "id": u})
        await run.refused("create assessment_id (a UUID)", "POST", "/api/requests", headers=T,
                          json={**base, "assessment_id": u})
    for p in FEW + UUID_PROBES[::2]:
        path = f"/api/requests/{quote(p, safe='')}"
        for place, method, url in (("remind path id", "POST", f"{path}/remind"), ("renew path id", "POST", f"{path}/renew"),
                                   ("withdraw path id", "POST", f"{path}/withdraw"),
                                   ("qr.svg path id", "GET", f"{path}/qr.svg")):
            await run.refused(place, method, url, headers=T)
    for t in FEW:
        await run.refused("list query parameter", "GET", "/api/requests", headers=T, params={"x": t})
        await run.refused("to-me query parameter", "GET", "/api/requests/to-me", headers=T, params={t: "1"})
        await run.refused("qr.svg query parameter", "GET", f"/api/requests/{r3['id']}/qr.svg", headers=T,
                          params={"x": t})
    await run.checkpoint(db)

    # ---------------------------------------------------------------- the link endpoints (no account)
    run.section = "link endpoints"
    client.cookies.clear()
    for t in IDENTITY:
        for place, field_name in (("claim name", "name"), ("claim title", "title"), ("claim workplace", "workplace"),
                                  ("claim email", "email")):
            await run.refused(place, "POST", "/api/link/claim", headers=bearer(token2),
                              json={"device_key": device_key(), field_name: t})
            await run.refused(place.replace("claim", "assessor"), "POST", "/api/link/assessor",
                              headers=bearer(secret1), json={field_name: t})
            await run.refused(place.replace("claim", "displaced"), "POST", "/api/link/displaced",
                              headers=bearer(token1), json={"device_key": device_key(), "data": {}, field_name: t})
        await run.refused("decline reason", "POST", "/api/link/decline", headers=bearer(token2), json={"reason": t})
        await run.refused("displaced data value", "POST", "/api/link/displaced", headers=bearer(token1),
                          json={"device_key": device_key(), "data": {"focus": t}})
        await run.refused("displaced data key", "POST", "/api/link/displaced", headers=bearer(token1),
                          json={"device_key": device_key(), "data": {t: "x"}})
        await run.refused("displaced data nested", "POST", "/api/link/displaced", headers=bearer(token1),
                          json={"device_key": device_key(), "data": {"focus": [{"a": {t: t}}]}})
        await run.refused("displaced steps", "POST", "/api/link/displaced", headers=bearer(token1),
                          json={"device_key": device_key(), "data": {}, "steps": [t]})
        await run.refused("claim unknown field", "POST", "/api/link/claim", headers=bearer(token2),
                          json={"device_key": device_key(), t: "x"})
        await run.refused("claim device_key (text)", "POST", "/api/link/claim", headers=bearer(token2),
                          json={"device_key": t})
    for key in DEVICE_KEY_PROBES:
        await run.refused("claim device_key", "POST", "/api/link/claim", headers=bearer(token2), json={"device_key": key})
        await run.refused("displaced device_key", "POST", "/api/link/displaced", headers=bearer(token1),
                          json={"device_key": key, "data": {"focus": "x"}})
    for t in FEW:
        await run.refused("open query parameter", "GET", "/api/link", headers=bearer(token1), params={"x": t})
        await run.refused("claim query parameter", "POST", "/api/link/claim", headers=bearer(token2),
                          params={t: "1"}, json={"device_key": device_key()})
    # unknown tokens count as guesses per address (20 per 15 minutes): a handful
    for t in ADDRESS_TEXTS[:8]:
        await run.refused("Authorization: Bearer on /api/link", "GET", "/api/link",
                          headers={"Authorization": f"Bearer {t}"})
    for t, url, payload in (("121212+1212", "/api/link/claim", {"device_key": device_key()}),
                            ("701063-2391", "/api/link/assessor", {"name": "Erik"}),
                            ("18151124-0069", "/api/link/displaced", {"device_key": device_key(), "data": {}}),
                            ("0402611230", "/api/link/decline", {})):
        await run.refused(f"Authorization: Bearer on {url}", "POST", url, headers={"Authorization": f"Bearer {t}"},
                          json=payload)
    for t in ADDRESS_TEXTS[8:12]:
        await run.refused("Authorization: Bearer on /api/sync", "POST", "/api/sync",
                          headers={"Authorization": f"Bearer {t}"},
                          json={"client_id": "x", "since": 0, "mutations": []})
    await run.checkpoint(db)

    # ---------------------------------------------------------------- the signature through the link, its receipt
    run.section = "receipt"
    await assessor_phone.legit([mut("submit", docR), mut("sign", docR)])
    receipt = await mailed_token(smtp, ME["email"], "Kvitto")
    await ok(await client.get("/api/receipt", headers=bearer(receipt)))
    for t in HEADER_TEXTS + ["A" * 30 + "19121212-1212", "19121212-1212" + "_" * 30]:  # the last two: 43 characters
        await run.refused("Authorization: Bearer on /api/receipt", "GET", "/api/receipt",
                          headers={"Authorization": latin1(f"Bearer {t}")})
        await run.refused("Authorization: Bearer on /api/receipt/dispute", "POST", "/api/receipt/dispute",
                          headers={"Authorization": latin1(f"Bearer {t}")})
    for t in FEW:
        await run.refused("receipt query parameter", "GET", "/api/receipt", headers=bearer(receipt), params={"x": t})
        await run.refused("dispute query parameter", "POST", "/api/receipt/dispute", headers=bearer(receipt),
                          params={t: "1"})
        await run.refused("link sync after the signature", "POST", "/api/sync", headers=bearer(secret1), json={
            "client_id": "assessor-phone", "since": 0, "mutations": [{"kind": "edit", "id": assessor_phone.next_id,
                                                                      "doc_id": docR, "at": 1, "base_version": 3,
                                                                      "fields": {"/focus": t}}]})
    await ok(await client.post("/api/receipt/dispute", headers=bearer(receipt)))
    await run.checkpoint(db)

    # ---------------------------------------------------------------- login
    run.section = "login"
    client.cookies.clear()
    for t in IDENTITY:
        await run.refused("email", "POST", "/api/auth/login", expect=[400], json={"email": t, "password": PASSWORD})
    for t in ADDRESS_TEXTS:
        await run.refused("email (an address)", "POST", "/api/auth/login", expect=[400],
                          json={"email": f"{t}@test.bedside.se", "password": PASSWORD})
    for t in ("19121212-1212", "Pat 19121212-1212 inkom med bröstsmärta.", "701063-2391"):  # counted: < 10
        await run.refused("password (wrong)", "POST", "/api/auth/login", expect=[401],
                          json={"email": world.emails["other_assessor"], "password": t})
        await run.refused("password (unknown account)", "POST", "/api/auth/login", expect=[401],
                          json={"email": "ingen@test.bedside.se", "password": t})
    await run.checkpoint(db)

    # ---------------------------------------------------------------- administration
    run.section = "admin"
    ADM = await login(client, world, "admin")
    for t in IDENTITY:
        new_email = f"a{secrets.token_hex(4)}@test.bedside.se"
        for place, url, payload in (
            ("user name", "/api/admin/users", {"email": new_email, "name": t, "roles": ["assessor"]}),
            ("user title", "/api/admin/users", {"email": new_email, "name": "N", "roles": ["assessor"], "title": t}),
            ("user email", "/api/admin/users", {"email": t, "name": "N", "roles": ["assessor"]}),
            ("unit name", "/api/admin/units", {"name": t}), ("unit region", "/api/admin/units", {"name": "U", "region": t}),
            ("placement specialty", "/api/admin/placements", {"programme_id": programme, "unit_id": unit, "specialty": t,
                                                              "start_date": "2026-02-01", "end_date": "2026-03-01"}),
        ):
            await run.refused(place, "POST", url, headers=ADM, json=payload)
    for t in FEW:
        for place, url, payload in (
            ("user role", "/api/admin/users", {"email": "r@test.bedside.se", "name": "N", "roles": [t]}),
            ("user studierektor_unit_id", "/api/admin/users",
             {"email": "s@test.bedside.se", "name": "N", "roles": ["studierektor"], "studierektor_unit_id": t}),
            ("user unknown field", "/api/admin/users", {"email": "k@test.bedside.se", "name": "N", "roles": [], t: 1}),
            ("programme kind", "/api/admin/programmes", {"trainee_id": new_trainee, "kind": t, "unit_id": unit,
                                                         "start_date": "2026-02-01"}),
            ("programme start_date", "/api/admin/programmes", {"trainee_id": new_trainee, "kind": "BT", "unit_id": unit,
                                                               "start_date": t}),
            ("programme end_date", "/api/admin/programmes", {"trainee_id": new_trainee, "kind": "BT", "unit_id": unit,
                                                             "start_date": "2026-02-01", "end_date": t}),
            ("programme trainee_id", "/api/admin/programmes", {"trainee_id": t, "kind": "BT", "unit_id": unit,
                                                               "start_date": "2026-02-01"}),
            ("placement dates", "/api/admin/placements", {"programme_id": programme, "unit_id": unit,
                                                          "specialty": "S", "start_date": t, "end_date": t}),
            ("placement type", "/api/admin/placements", {"programme_id": programme, "unit_id": unit, "specialty": "S",
                                                         "start_date": "2026-02-01", "end_date": "2026-03-01",
                                                         "placement_type": t}),
        ):
            await run.refused(place, "POST", url, headers=ADM, json=payload)
        await run.refused("users query parameter", "GET", "/api/admin/users", headers=ADM, params={"x": t})
    for t in ADDRESS_TEXTS:
        await run.refused("user email (an address)", "POST", "/api/admin/users", headers=ADM,
                          json={"email": f"{t}@test.bedside.se", "name": "N", "roles": ["assessor"]})
    # a password is never stored (only its argon2 hash), so it may hold anything, digits included
    for n, t in enumerate(("19121212-1212", "Lösen 850709-9482 ok")):
        run.count("user password (allowed: only its hash is kept)")
        await ok(await client.post("/api/admin/users", headers=ADM, json={
            "email": f"losen{n}@test.bedside.se", "name": f"{CANARY} Lösen {n}", "roles": ["assessor"],
            "password": t}), 201)
        client.cookies.clear()
        await ok(await client.post("/api/auth/login", json={"email": f"losen{n}@test.bedside.se", "password": t}))
        ADM = await login(client, world, "admin")
    await run.checkpoint(db)

    # ---------------------------------------------------------------- everything else a client can name
    run.section = "colleagues, catalog, other paths"
    T = await login(client, world, "trainee")
    for t in IDENTITY:
        await run.refused("colleagues q", "GET", "/api/colleagues", headers=T, params={"q": t})
    for t in FEW:
        for place, url, params in (
            ("colleagues role", "/api/colleagues", {"role": t}), ("colleagues parameter name", "/api/colleagues", {t: "x"}),
            ("form path id", f"/api/forms/{quote(t, safe='')}/1", {}), ("form query", "/api/forms/mini-cex/1", {"x": t}),
            ("forms query", "/api/forms", {"x": t}), ("catalog query", "/api/catalog", {"x": t}),
            ("refused changes query", "/api/sync/refused", {"x": t}), ("trainees query", "/api/trainees", {"x": t}),
            ("home query", "/api/home", {"x": t}), ("overview query", "/api/overview", {"unit_id": t}),
            ("trainee page path id", f"/api/trainees/{quote(t, safe='')}", {}),
            ("placements query", "/api/placements", {"x": t}), ("session query", "/api/auth/session", {"x": t}),
            ("health query", "/api/health", {"x": t}), ("openapi query", "/schema/openapi.json", {"x": t}),
            ("unknown API path", f"/api/finns-inte/{quote(t, safe='')}", {}),
            ("unknown file", f"/{quote(t, safe='')}", {}), ("static file query", "/index.html", {"x": t}),
        ):
            await run.refused(place, "GET", url, headers=T, params=params)
        await run.refused("method not allowed, path", "PUT", f"/api/assessments/{quote(t, safe='')}", headers=T)
        await run.refused("sync query parameter", "POST", "/api/sync", headers=T, params={"x": t},
                          json={"client_id": "phone-of-tove", "since": 0, "mutations": []})
        for method in ("OPTIONS", "HEAD"):
            await run.sent(f"{method} path", method, f"/api/assessments/{quote(t, safe='')}", headers=T)
    for t in IDENTITY:  # the benchmark's echo route answers the client_id it decoded
        await run.refused("sync/echo client_id", "POST", "/api/sync/echo", headers=T, expect=(400,),  # mounted here
                          json={"client_id": t, "since": 0, "mutations": []})
        # it echoes only the client_id and a count, and stores nothing: sent (never echoed) is enough
        await run.sent("sync/echo mutation", "POST", "/api/sync/echo", headers=T, json={
            "client_id": "x", "since": 0, "mutations": [{"kind": "return", "id": 1, "doc_id": doc4, "at": 1,
                                                         "reason": t}]})
    for n, t in enumerate(FEW):  # a key given twice: whichever value the server keeps, it must not be this one
        text = json.dumps(t)
        for place, method, url, raw in (
            ("duplicate key, request message", "POST", "/api/requests",
             f'{{"form_id": "mini-cex", "channel": "bedside", "message": {text}, "message": "ok"}}'),
            ("duplicate key, request message", "POST", "/api/requests",
             f'{{"form_id": "mini-cex", "channel": "bedside", "message": "ok", "message": {text}}}'),
            ("duplicate key, sync edit fields", "POST", "/api/sync",
             f'{{"client_id": "dup-edit-{n}", "since": 0, "mutations": [{{"kind": "edit", "id": 1, "doc_id": "{doc2}", '
             f'"at": 1, "base_version": 3, "fields": {{"/setting_other": {text}}}, "fields": {{"/setting_other": "ok"}}}}]}}'),
            ("duplicate key, sync data", "POST", "/api/sync",
             f'{{"client_id": "dup-create-{n}", "since": 0, "mutations": [{{"kind": "create", "id": 1, "doc_id": "{new_id()}", '
             f'"at": 1, "form_id": "mini-cex", "form_version": 1, "data": {{"focus": "ok", "focus": {text}}}}}]}}'),
        ):
            await run.sent(place, method, url, headers={**T, "Content-Type": "application/json"}, content=raw)
    await run.checkpoint(db)

    # ---------------------------------------------------------------- headers on legitimate requests
    run.section = "headers"
    await login(client, world, "trainee")
    for t in HEADER_TEXTS:
        run.count("User-Agent, X-Forwarded-For, Forwarded, Referer, Origin, Accept-Language, X-Request-Id")
        run.label = "headers on a legitimate push"
        run.count("Content-Type parameter")
        value = latin1(t)
        response = await phone.push([mut("edit", doc2, base_version=3, fields={"/agreed_action": f"{CANARY} {len(t)}"})],
                                    T, headers={"User-Agent": value, "X-Forwarded-For": b"10.0.0.1, " + value,
                                                "Forwarded": b"for=" + value, "Referer": value, "Origin": value,
                                                "Accept-Language": value, "X-Request-Id": value, "X-Real-IP": value,
                                                "Content-Type": latin1(f"application/json; note={quote(t)}")})
        if response.status_code != 200 or response.json()["results"][0]["status"] not in ("applied", "conflict"):
            run.problem("headers on a legitimate push", f"{t!r}: {response.status_code} {response.text[:200]}")
        run.count("Authorization: Bearer beside a session")
        run.label = "Authorization: Bearer beside a session"
        await ok(await client.get("/api/assessments", headers={"Authorization": latin1(f"Bearer {t}"),
                                                               "User-Agent": value}))
        run.label = ""
        await run.refused("X-CSRF-Token", "POST", "/api/sync", expect=[403], headers={"X-CSRF-Token": value},
                          json={"client_id": "phone-of-tove", "since": 0, "mutations": []})
        await run.refused("X-CSRF-Token (assessments)", "PATCH", f"/api/assessments/{doc2}", expect=[403],
                          headers={"X-CSRF-Token": value}, json={"base_version": 3, "data": {"setting": "annat"}})
    session_cookie = client.cookies.get(COOKIE_NAME)
    for t in HEADER_TEXTS:
        cookie = quote(t, safe="")
        client.cookies.clear()
        await run.refused("Cookie: bedside_session", "GET", "/api/assessments", expect=[401],
                          headers={"Cookie": f"{COOKIE_NAME}={cookie}"})
        await run.refused("Cookie: bedside_session (raw)", "GET", "/api/auth/session", expect=[401],
                          headers={"Cookie": latin1(f"{COOKIE_NAME}={t.replace(' ', '')}")})
        run.count("Cookie: another cookie")
        run.label = "Cookie: another cookie"
        await ok(await client.get("/api/assessments", headers={
            "Cookie": f"{COOKIE_NAME}={session_cookie}; note={cookie}; {cookie}=1"}))
        run.label = ""
    for t in ADDRESS_TEXTS[:3]:  # argon2 is slow on purpose: a few logins with a device cookie
        client.cookies.clear()
        run.count("Cookie: bedside_device on login")
        run.label = "Cookie: bedside_device on login"
        await ok(await client.post("/api/auth/login", headers={"Cookie": f"{DEVICE_COOKIE}={quote(t, safe='')}",
                                                             "User-Agent": t},
                                   json={"email": world.emails["trainee"], "password": PASSWORD}))
        run.label = ""
    world.sessions.clear()
    await run.checkpoint(db)

    # ---------------------------------------------------------------- the Content-Type a client declares
    # The same JSON bodies, declared as something else: the server still reads them as JSON, so the
    # check of what the body holds must not depend on what the client says it is.
    run.section = "JSON bodies declared with another Content-Type"
    T = await login(client, world, "trainee")
    fresh = []
    for _ in range(3):  # bedside requests of their own: one claimed here, one for claims, one to decline
        made = await ok(await client.post("/api/requests", headers=T, json={"form_id": "mini-cex", "channel": "bedside"}),
                        201)
        fresh.append(token_of(made["link"]))
    held, to_claim, to_decline = fresh
    client.cookies.clear()
    secret6 = (await ok(await client.post("/api/link/claim", headers=bearer(held),
                                          json={"device_key": device_key(), "name": "Bo Bedside"})))["secret"]
    ADM = await login(client, world, "admin")
    T = await login(client, world, "trainee")
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "APPLICATION/JSON",
                         "application/octet-stream", "multipart/form-data; boundary=x"):
        for t in ("19121212-1212", "Patient 850709-9482 sökte akut för buksmärta", "701063-2391"):
            cases: list[tuple[str, str, str, dict[str, str], dict[str, Any]]] = [
                ("trainee", "POST", "/api/requests", T, {**base, "message": t}),
                ("trainee", "POST", "/api/requests", T, {**base, "assessor_name": t}),
                ("trainee", "POST", "/api/assessments", T, {"form_id": "mini-cex", "assessor_id": A, "data": {"focus": t}}),
                ("trainee", "PATCH", f"/api/assessments/{doc2}", T, {"base_version": 3, "data": {"focus": t}}),
                ("trainee", "POST", f"/api/assessments/{doc5}/acknowledge", T, {"reflection": t}),
                ("admin", "POST", "/api/admin/units", ADM, {"name": t}),
                ("admin", "POST", "/api/admin/users", ADM, {"email": f"u{secrets.token_hex(4)}@test.bedside.se",
                                                            "name": t, "roles": ["assessor"]}),
                ("admin", "POST", "/api/admin/placements", ADM, {"programme_id": programme, "unit_id": unit,
                                                                 "specialty": t, "start_date": "2026-02-01",
                                                                 "end_date": "2026-03-01"}),
                ("nobody", "POST", "/api/auth/login", {}, {"email": t, "password": "x"}),
                ("nobody", "POST", "/api/link/assessor", bearer(secret6), {"name": t}),
                ("nobody", "POST", "/api/link/displaced", bearer(held),
                 {"device_key": device_key(), "data": {"focus": t}, "name": t}),
                ("nobody", "POST", "/api/link/claim", bearer(to_claim), {"device_key": device_key(), "name": t}),
            ]
            for who, method, url, headers, payload in cases:
                if who == "nobody":
                    client.cookies.clear()
                else:
                    await login(client, world, who)
                place = f"{url.split('/api/')[1].split('/')[0]} body, Content-Type {content_type}"
                await run.refused(place, method, url, headers={**headers, "Content-Type": content_type},
                                  content=json.dumps(payload))
    client.cookies.clear()
    await run.refused("link/decline body, Content-Type text/plain", "POST", "/api/link/decline",
                      headers={**bearer(to_decline), "Content-Type": "text/plain"},
                      content=json.dumps({"reason": "Pat 19121212-1212 inkom med bröstsmärta."}))
    await run.checkpoint(db)

    # ---------------------------------------------------------------- the legitimate ends, mail delivered
    run.section = "360 rounds"
    HHL = await login(client, world, "main_supervisor")
    rnd = await ok(await client.post("/api/rounds", headers=HHL, json={"trainee_id": world.id("trainee")}), 201)
    rid = rnd["id"]
    for n, (name, group) in enumerate([("Sigrid", "specialistlakare"), ("Stefan", "specialistlakare")] +
                                      [(f"Rater {n}", "sjukskoterska") for n in range(8)]):
        await ok(await client.post(f"/api/rounds/{rid}/raters", headers=HHL,
                                   json={"name": f"{CANARY} {name}", "email": f"rater{n}@sjukhus.test", "group": group}), 201)
    await ok(await client.post(f"/api/rounds/{rid}/send", headers=HHL))
    client.app.state.mail_job.wake()
    client.cookies.clear()
    claimed = await ok(await client.post("/api/link/claim", headers=bearer(await mailed_token(smtp, "rater0@sjukhus.test", "360")),
                                         json={"device_key": device_key(), **ME}))
    rater_doc = claimed["doc_id"]
    rater_answer = {"/" + item: 4 for item in ("medicinsk_kompetens", "kommunikation_patienter", "kommunikation_kollegor",
                                               "samarbete", "tillganglighet", "prioritering", "respekt",
                                               "larande_undervisning", "patientsakerhet")}
    rater_answer |= {"/strengths": f"{CANARY} lugn", "/development_areas": f"{CANARY} delegera",
                     "/overall_concern": "viss", "/concern_comment": f"{CANARY} överlämning"}
    done = await client.post("/api/sync", headers=bearer(claimed["secret"]), json={
        "client_id": new_id(), "since": 0, "mutations": [
            {"kind": "edit", "id": 1, "at": 1_800_000_000_001, "doc_id": rater_doc, "base_version": 1, "fields": rater_answer},
            {"kind": "submit", "id": 2, "at": 1_800_000_000_002, "doc_id": rater_doc},
            {"kind": "sign", "id": 3, "at": 1_800_000_000_003, "doc_id": rater_doc}]})
    assert [r["status"] for r in done.json()["results"]] == ["applied"] * 3, done.text
    HHL = await login(client, world, "main_supervisor")
    await ok(await client.post(f"/api/rounds/{rid}/hidden", headers=HHL, json={
        "assessment_id": rater_doc, "field": "strengths", "reason": f"{CANARY} pekar ut en kollega"}))
    rater_id = (await ok(await client.get(f"/api/rounds/{rid}")))["raters"][1]["id"]
    for t in IDENTITY:
        for place, method, url, payload in (
            ("round create deadline", "POST", "/api/rounds", {"trainee_id": world.id("trainee"), "deadline": t}),
            ("round create group", "POST", "/api/rounds", {"trainee_id": world.id("trainee"), "group_minimums": {t: 1}}),
            ("rater name", "POST", f"/api/rounds/{rid}/raters", {"name": t, "email": "x@sjukhus.test", "group": "sjukskoterska"}),
            ("rater email", "POST", f"/api/rounds/{rid}/raters", {"name": "X", "email": t, "group": "sjukskoterska"}),
            ("rater group", "POST", f"/api/rounds/{rid}/raters", {"name": "X", "email": "x@sjukhus.test", "group": t}),
            ("hide reason", "POST", f"/api/rounds/{rid}/hidden", {"assessment_id": rater_doc, "field": "development_areas",
                                                                  "reason": t}),
            ("hide field", "POST", f"/api/rounds/{rid}/hidden", {"assessment_id": rater_doc, "field": t, "reason": "x"}),
            ("extend deadline", "POST", f"/api/rounds/{rid}/extend", {"deadline": t}),
            ("agreed points", "PUT", f"/api/rounds/{rid}/agreed", {"text": t}),
            ("self assessment id", "PUT", f"/api/rounds/{rid}/self", {"assessment_id": t}),
        ):
            await run.refused(place, method, url, headers=HHL, json=payload)
    for p in FEW + UUID_PROBES[::2]:
        path = f"/api/rounds/{quote(p, safe='')}"
        for place, method, url in (("round path id", "GET", path), ("report path id", "GET", f"{path}/report"),
                                   ("send path id", "POST", f"{path}/send"), ("close path id", "POST", f"{path}/close"),
                                   ("remind path id", "POST", f"/api/rounds/{rid}/raters/{quote(p, safe='')}/remind"),
                                   ("remove path id", "DELETE", f"/api/rounds/{rid}/raters/{quote(p, safe='')}")):
            await run.refused(place, method, url, headers=HHL)
    for t in FEW:
        await run.refused("rounds query parameter", "GET", "/api/rounds", headers=HHL, params={"trainee_id": t})
    await ok(await client.post(f"/api/rounds/{rid}/raters/{rater_id}/remind", headers=HHL))
    await run.checkpoint(db)

    run.section = "action plans"
    HHL = await login(client, world, "main_supervisor")
    soon = (clock.today() + dt.timedelta(days=2)).isoformat()
    plan_data = {"started_from": "annat", "problems": f"{CANARY} prioritering", "underlying_factors": f"{CANARY} hemma",
                 "measures": {"medsittning": {"chosen": True, "responsible": f"{CANARY} Karin", "by": soon, "at_placement": True}},
                 "period_end": soon, "follow_up_1": soon}
    plan = await ok(await client.post("/api/assessments", headers=HHL, json={
        "form_id": "handlingsplan", "trainee_id": world.id("trainee"), "data": plan_data}), 201)
    for t in IDENTITY:
        for place, body_ in (("plan problems", {"data": plan_data | {"problems": t}}),
                             ("plan measure responsible", {"data": plan_data | {"measures": {"annat": {"chosen": True, "text": t}}}}),
                             ("plan follows up", {"follows_up": t, "data": {}})):
            await run.refused(place, "POST", "/api/assessments", headers=HHL,
                              json={"form_id": "handlingsplan", "trainee_id": world.id("trainee"), **body_})
    T = await login(client, world, "trainee")
    await ok(await client.patch(f"/api/assessments/{plan['doc_id']}", headers=T, json={
        "base_version": plan["version"], "data": {"trainee_response": "egen_syn", "trainee_view": f"{CANARY} håller med"}}))
    for step_ in ("submit", "sign"):
        HHL = await login(client, world, "main_supervisor")
        await ok(await client.post(f"/api/assessments/{plan['doc_id']}/{step_}", headers=HHL))
    await in_app(client, run_plan_reminders, db, ("handlingsplan",), client.app.state.settings, clock.now())
    await run.checkpoint(db)

    run.section = "onboarding and export"
    for t in IDENTITY:
        client.cookies.clear()
        await run.refused("reset e-mail", "POST", "/api/auth/password-reset", json={"email": t})
        await run.refused("password link token", "POST", "/api/auth/password-link", json={"token": t})
    client.cookies.clear()
    await ok(await client.post("/api/auth/password-reset", json={"email": world.emails["other_trainee"]}), 202)
    ADM = await login(client, world, "admin")
    header = "Namn;E-post;Program;Enhet;Specialitet;Start;Slut;Klinisk handledare;Huvudhandledare"
    for t in IDENTITY:
        # the import checks each row (not the door): a personnummer refuses its row, never stored or echoed
        row = f"{CANARY} Import;imp{secrets.token_hex(3)}@test.bedside.se;BT;{CANARY} Kirurgkliniken;{t};2026-09-01;2026-12-31;;"
        for apply in (False, True):
            await run.sent("csv import cell", "POST", "/api/admin/import", headers=ADM,
                           json={"csv": f"{header}\n{row}", "apply": apply})
    await ok(await client.post(f"/api/admin/people/{world.id('trainee')}/export", headers=ADM,
                               json={"request": f"{CANARY} brev"}))
    await run.checkpoint(db)

    run.section = "closing flows"
    T = await login(client, world, "trainee")
    await ok(await client.post(f"/api/assessments/{doc2}/resolve", headers=T,
                               json={"fields": {"/focus": f"{CANARY} KOL"}}))
    async def wake_mail_job() -> None:
        client.app.state.mail_job.wake()

    await in_app(client, wake_mail_job)
    await smtp.wait_for(9)  # requests (5), reminder, declined notice, receipts, dispute notices, plan reminders (2)
    await asyncio.sleep(0.3)
    scan = await run.checkpoint(db)

    # ---------------------------------------------------------------- what was found
    run.section = "the end"
    empty = sorted(t for t, n in scan.rows.items() if n == 0)
    if empty:
        run.problem("every table has rows", f"empty: {empty}")
    for table in ("assessments", "audit_events", "assessment_requests", "mail_outbox", "refused_mutations",
                  "displaced_answers", "users", "units", "placements"):
        if not scan.canaries.get(table):
            run.problem("the scan reads every cell", f"it did not see the legitimate text {CANARY!r} in {table}")
    await finish(run, smtp, client)
    elapsed = time.monotonic() - started
    print(f"\n{len(run.responses)} requests, {sum(run.places.values())} probes in {len(run.places)} places, "
          f"{scan.cells} cells in {len(scan.rows)} tables read ({db.dialect}), {len(smtp.messages)} mails, "
          f"{elapsed:.1f} s")
    for place, n in sorted(run.places.items()):
        print(f"  {n:5d}  {place}")
    assert not run.leaks and not run.echoes() and not run.problems, run.report()


async def finish(run: Run, smtp: MailServer, client: AsyncTestClient) -> None:
    """The checks that do not depend on the section: server errors, mail, the SQLite file's bytes."""
    for r in run.responses:
        if r.status >= 500 and (r.section, r.label) not in run.problems:  # (a probe's 500 is reported already)
            run.problems.setdefault((r.section, f"{r.label}: server error"), []).append(
                f"{r.request} answered {r.status}")
    for m in smtp.messages:
        text = f"{m['To']}\n{m['Subject']}\n{body(m)}"
        found = identity_in(text)
        if found:
            run.problem("mail received by the SMTP server", f"to {m['To']}: {found} in {_excerpt(text, found[0])}")
    db = client.app.state.db
    if db.dialect == "sqlite":  # and the file's own bytes: free pages, the write-ahead log
        path = client.app.state.settings.sqlite_path
        for name in (path, Path(f"{path}-wal")):
            if name.exists():
                found = sorted({m.group(0) for m in NEEDLE.finditer(name.read_bytes().decode("utf-8", "replace"))})
                if found:
                    run.problem("the bytes of the SQLite files", f"{name.name} holds {found}")


# --- the corpus's numbers as JSON numbers ------------------------------------------------------------------

#: the digit-only identity numbers that survive as a JSON number (no leading zero)
NUMBERS: list[int] = sorted(int(d) for d in DIGIT_FORMS if not d.startswith("0"))
#: those a database INTEGER id could be (up to 2**31 - 1)
ROW_ID_NUMBERS: list[int] = [n for n in NUMBERS if n <= 2**31 - 1]


async def test_identity_numbers_sent_as_json_numbers_are_stored_nowhere(
    client: AsyncTestClient, world: World, smtp: MailServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The guard looks at text; a personnummer typed into a number field, or sent as a number where an id
    goes, is the same number. Whatever refuses it, it must not be kept or echoed."""
    caplog.set_level(logging.WARNING, logger="httpx")
    db = client.app.state.db
    run = Run(client)
    run.section = "JSON numbers"
    A = world.id("assessor")
    T = await login(client, world, "trainee")
    doc = (await ok(await client.post("/api/assessments", headers=T, json={
        "form_id": "mini-cex", "assessor_id": A, "data": {"focus": f"{CANARY} fokus"}}), 201))["doc_id"]
    phone = Device(run, "phone-of-tove")
    for n in NUMBERS:
        mutations = [
            mut("edit", doc, base_version=1, fields={"/setting": n}),
            mut("edit", doc, base_version=1, fields={"/focus": n}),
            mut("edit", doc, base_version=1, fields={"/minutes_observed": n}),
            mut("edit", doc, base_version=1, fields={"/focus": [n]}),
            mut("create", new_id(), form_id="mini-cex", form_version=1, data={"focus": n}, meta={"assessor_id": A}),
            mut("create", new_id(), form_id="mini-cex", form_version=1, data={"extra": n}, meta={"assessor_id": A}),
            mut("create", new_id(), form_id="mini-cex", form_version=1, meta={"trainee_id": n}),
            mut("create", new_id(), form_id="mini-cex", form_version=1, meta={"placement_id": n, "assessor_id": A}),
            mut("create", new_id(), form_id="mini-cex", form_version=1, meta={"assessor_id": n}),
            mut("create", new_id(), form_id="mini-cex", form_version=1, meta={"assessor_id": A, "note": n}),
        ]
        run.count("sync data, fields and meta values", len(mutations))
        run.label = "sync with numbers"
        response = await phone.push(mutations, T)
        run.label = ""
        assert response.status_code == 200, response.text
    for n in NUMBERS:
        for place, method, url, payload in (
            ("assessment data", "POST", "/api/assessments", {"form_id": "mini-cex", "assessor_id": A, "data": {"focus": n}}),
            ("assessment placement_id", "POST", "/api/assessments", {"form_id": "mini-cex", "placement_id": n,
                                                                     "assessor_id": A}),
            ("edit data", "PATCH", f"/api/assessments/{doc}", {"base_version": 1, "data": {"setting": n}}),
            ("request placement_id", "POST", "/api/requests", {"form_id": "mini-cex", "channel": "bedside",
                                                                "placement_id": n}),
        ):
            await run.refused(place, method, url, headers=T, json=payload)
        await run.refused("form version in the path", "GET", f"/api/forms/mini-cex/{n}", headers=T)
    request = await ok(await client.post("/api/requests", headers=T, json={"form_id": "mini-cex", "channel": "bedside"}), 201)
    shown = token_of(request["link"])
    client.cookies.clear()
    await ok(await client.post("/api/link/claim", headers=bearer(shown), json={"device_key": device_key()}))
    for n in NUMBERS:
        await run.refused("displaced data", "POST", "/api/link/displaced", headers=bearer(shown),
                          json={"device_key": device_key(), "data": {"focus": n, "nested": [{"a": n}]}})
    ADM = await login(client, world, "admin")
    for n in ROW_ID_NUMBERS:
        await run.refused("admin ids", "POST", "/api/admin/programmes", headers=ADM, json={
            "trainee_id": n, "kind": "BT", "unit_id": n, "start_date": "2026-01-01", "main_supervisor_id": n})
        await run.refused("admin studierektor_unit_id", "POST", "/api/admin/users", headers=ADM, json={
            "email": "sr@test.bedside.se", "name": "S", "roles": ["studierektor"], "studierektor_unit_id": n})
    await run.checkpoint(db)
    await finish(run, smtp, client)
    print(f"\n{len(run.responses)} requests, numbers {NUMBERS}")
    assert not run.leaks and not run.echoes() and not run.problems, run.report()
