"""Schemathesis against a real ``bedside serve`` (temp SQLite, demo data): every operation of the OpenAPI
document at /schema/openapi.json, ``/api/sync`` included, gets generated requests (valid ones, and
invalid ones where the schema leaves something to break), and every answer must be

- no server error (``not_a_server_error``), and
- a status code the document lists for that operation (``status_code_conformance``).

The same operations run in several passes, each as someone else: a trainee, a main supervisor and an
administrator (their sessions, CSRF token on every request), nobody at all, the same people on real
ids (the demo's assessments, requests the fixture made, real form versions), the request-link
flow's bearer tokens (an unclaimed link, a claimed one, the claiming device's secret, a signed
request's device and its receipt token, the trainee's own session on her own link) and, last,
tokens the server never made. Every login happens before any fuzzing, because fuzzing
``/api/auth/login`` trips the per-address limit (30 failed logins in 15 minutes; after it 429, which
is documented). Logging out runs last, so no session dies early.

Generation is derandomized (Hypothesis derives its seed from the test), with a fixed budget per
operation and pass: about 5,900 requests, under a minute on two cores. Bodies that name ids get real
ones mixed in (forms, users, units, placements, programmes, the demo's assessments), or the fuzzer
would only ever meet "unknown form". The server's mail job runs as configured (every 60 s, and at
once when a request or a signature queues mail), so it works on what the fuzzer leaves behind; the
server's log is read afterwards, and a traceback there (a server error, or the job failing a round)
fails the test as well.

Nothing is excluded: no operation, no check. In negative mode Hypothesis finds nothing to break for
an operation without parameters or body (or whose path parameters are fixed strings), and says so
(``Unsatisfiable``); those operations get their valid requests only.
"""

from __future__ import annotations

import http.cookiejar
import json
import sqlite3
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import status_code_conformance

from bench.live_server import REPO, LiveServer
from tests.conftest import ON_POSTGRES
from server.auth.capability import make_token
from server.demo import DEMO_PASSWORD, MINI_CEX_DONE

pytestmark = [
    pytest.mark.slow, pytest.mark.timeout(600),
    # it fuzzes the API of its own SQLite-backed server: run once, not again in the PostgreSQL pass
    pytest.mark.skipif(ON_POSTGRES, reason="drives its own SQLite server; the API is the same on both engines"),
]

#: examples per operation in each role pass (positive: valid requests; negative: schema-breaking ones)
POSITIVE = 30
NEGATIVE = 15
#: examples per operation in the passes on real ids and tokens
TARGETED_POSITIVE = 15
TARGETED_NEGATIVE = 5
CHECKS = (not_a_server_error, status_code_conformance)
SECRET_KEY = "live-server-secret"  # what bench.live_server.LiveServer gives the server

TRAINEE = "bt@demo.bedside.se"
SUPERVISOR = "hhl@demo.bedside.se"  # main supervisor, clinical supervisor and assessor
ADMIN = "admin@demo.bedside.se"
LINK_OPS = ("openLink", "claimLink", "nameLinkAssessor", "keepDisplacedAnswer", "declineLink")
DEVICE_OPS = ("openLink", "nameLinkAssessor", "keepDisplacedAnswer", "listRefusedChanges", "sync", "declineLink")
RECEIPT_OPS = ("getReceipt", "disputeSignature")
#: runs once per session, after everything else
LAST = "logout"


@dataclass
class Caller:
    """Who a pass sends requests as: cookies and headers added to every generated request."""

    name: str
    cookies: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def with_bearer(self, name: str, token: str) -> Caller:
        return Caller(name, dict(self.cookies), self.headers | {"Authorization": f"Bearer {token}"})


@dataclass
class World:
    server: LiveServer
    log_path: Path
    callers: dict[str, Caller]
    doc_ids: list[str]
    tokens: dict[str, str]
    request_ids: list[str]
    #: operationId → body field → real values (ids the server knows), mixed into generated bodies
    values: dict[str, dict[str, list[Any]]]


def _login(base_url: str, email: str) -> Caller:
    response = requests.post(f"{base_url}/api/auth/login", json={"email": email, "password": DEMO_PASSWORD},
                             timeout=30)
    response.raise_for_status()
    return Caller(email, {"bedside_session": response.cookies["bedside_session"]},
                  {"X-CSRF-Token": response.json()["csrf_token"]})


def _api(method: str, url: str, caller: Caller, body: Any = None) -> Any:
    response = requests.request(method, url, json=body, cookies=caller.cookies, headers=caller.headers, timeout=30)
    assert response.status_code < 300, f"{method} {url}: {response.status_code} {response.text}"
    return response.json()


def _claimed_link(base: str, trainee: Caller, device_key: str) -> tuple[dict[str, Any], str, str]:
    """A bedside request of the trainee, claimed by a device that said who the assessor is: the
    request, its link token and the device secret."""
    made = _api("POST", f"{base}/api/requests", trainee, {"form_id": "mini-cex", "channel": "bedside"})
    token = made["link"].rsplit("/", 1)[1]
    nobody = Caller("nobody")
    claim = _api("POST", f"{base}/api/link/claim", nobody.with_bearer("link", token), {"device_key": device_key})
    device = nobody.with_bearer("device", claim["secret"])
    _api("POST", f"{base}/api/link/assessor", device,
         {"name": "Extern Läkare", "title": "ST-läkare", "workplace": "Akuten", "email": "extern@example.org"})
    return made, token, claim["secret"]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("schemathesis")
    db_path = tmp / "db.sqlite3"
    server = LiveServer(f"sqlite:///{db_path}", log_path=tmp / "server.log")
    server.cli("demo")
    with server:
        base = server.base_url
        # every login before any fuzzing: fuzzing /api/auth/login uses up this address's failed-login budget
        callers = {"trainee": _login(base, TRAINEE), "supervisor": _login(base, SUPERVISOR),
                   "admin": _login(base, ADMIN)}
        trainee = callers["trainee"]
        # A: claimed by a device that named the assessor; B: unclaimed; C: answered and signed through
        # its link (so it has a receipt); D: an e-mail request
        a, a_token, a_device = _claimed_link(base, trainee, "a1" * 16)
        b = _api("POST", f"{base}/api/requests", trainee, {"form_id": "mini-cex", "channel": "bedside"})
        c, _, c_device = _claimed_link(base, trainee, "c3" * 16)
        now = int(time.time() * 1000)
        answer = _api("POST", f"{base}/api/sync", Caller("device").with_bearer("device", c_device), {
            "client_id": "schemathesis-device", "since": 0, "mutations": [
                {"kind": "edit", "id": 1, "doc_id": c["assessment_id"], "at": now, "base_version": 1,
                 "fields": {f"/{k}": v for k, v in MINI_CEX_DONE.items()}},
                {"kind": "submit", "id": 2, "doc_id": c["assessment_id"], "at": now},
                {"kind": "sign", "id": 3, "doc_id": c["assessment_id"], "at": now}]})
        assert [r["status"] for r in answer["results"]] == ["applied"] * 3, answer["results"]
        con = sqlite3.connect(db_path)
        try:
            (receipt_nonce,) = con.execute("SELECT receipt_nonce FROM assessment_requests WHERE id = ?",
                                           (c["id"],)).fetchone()
        finally:
            con.close()
        d = _api("POST", f"{base}/api/requests", trainee, {
            "form_id": "dops", "channel": "email", "assessor_name": "Extern Läkare",
            "assessor_email": "extern@example.org", "message": "Tack!"})
        doc_ids = [doc["doc_id"] for doc in _api("GET", f"{base}/api/assessments", trainee)]
        values = _real_values(base, callers, doc_ids, db_path)
        yield World(
            server=server, log_path=tmp / "server.log", callers=callers, doc_ids=doc_ids,
            tokens={"unclaimed link": b["link"].rsplit("/", 1)[1], "claimed link": a_token, "device": a_device,
                    "signed device": c_device, "receipt": make_token(SECRET_KEY, "receipt", receipt_nonce)},
            request_ids=[b["id"], d["id"], a["id"]], values=values)


def _real_values(base: str, callers: dict[str, Caller], doc_ids: list[str], db_path: Path) -> dict[str, dict[str, list[Any]]]:
    """Ids and codes the server knows, for the bodies that name them: random ones alone would only
    ever meet "unknown form" or "no such user" and never reach the code behind those checks."""
    users = _api("GET", f"{base}/api/admin/users", callers["admin"])
    with_role = {role: [u["id"] for u in users if role in u["roles"]] for role in
                 ("trainee", "assessor", "clinical_supervisor", "main_supervisor")}
    units = [u["id"] for u in _api("GET", f"{base}/api/admin/units", callers["admin"])]
    placements = [p["id"] for p in _api("GET", f"{base}/api/placements", callers["supervisor"])]
    forms = sorted({f["id"] for f in _api("GET", f"{base}/api/forms", Caller("nobody"))})
    con = sqlite3.connect(db_path)
    try:
        programmes = [row[0] for row in con.execute("SELECT id FROM programmes")]
    finally:
        con.close()
    return {
        "createAssessment": {"form_id": forms, "trainee_id": with_role["trainee"],
                             "assessor_id": with_role["assessor"], "placement_id": placements},
        "createRequest": {"form_id": forms, "channel": ["email", "bedside"], "placement_id": placements,
                          "assessor_email": ["extern@example.org", "hhl@demo.bedside.se", TRAINEE]},
        "adminCreateUser": {"roles": [["trainee"], ["assessor", "clinical_supervisor"], ["studierektor"]],
                            "studierektor_unit_id": units},
        "adminCreateProgramme": {"trainee_id": with_role["trainee"], "kind": ["BT", "ST", "AT"], "unit_id": units,
                                 "main_supervisor_id": with_role["main_supervisor"]},
        "adminCreatePlacement": {"programme_id": programmes, "unit_id": units,
                                 "clinical_supervisor_id": with_role["clinical_supervisor"]},
        # inside each mutation, and only where the mutation has the field
        "sync/mutations": {"doc_id": doc_ids, "form_id": forms, "form_version": [1]},
    }


def _with_real_values(strategy: Any, fields: dict[str, list[Any]], mutation_fields: dict[str, list[Any]]) -> Any:
    """Generated cases with some body fields (each at even odds) replaced by a value the server knows."""

    def patch(drawn: tuple[schemathesis.Case, Any]) -> schemathesis.Case:
        case, rnd = drawn
        body = case.body
        if not isinstance(body, dict):
            return case
        for key, choices in fields.items():
            if rnd.random() < 0.5:
                body[key] = rnd.choice(choices)
        mutations = body.get("mutations")
        for item in mutations if isinstance(mutations, list) else []:
            for key, choices in mutation_fields.items():
                if isinstance(item, dict) and key in item and rnd.random() < 0.5:
                    item[key] = rnd.choice(choices)
        return case

    return st.tuples(strategy, st.randoms(use_true_random=False)).map(patch)


@dataclass
class Run:
    """What the passes did: cases per operation, statuses seen, and the distinct failures."""

    cases: Counter[str] = field(default_factory=Counter)
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    failures: dict[tuple[str, int], str] = field(default_factory=dict)
    passes: list[str] = field(default_factory=list)

    def fuzz(self, operation: schemathesis.APIOperation, caller: Caller, *, positive: int, negative: int,
             session: requests.Session, values: dict[str, dict[str, list[Any]]],
             path_parameters: dict[str, Any] | None = None) -> None:
        """``positive`` valid and ``negative`` schema-breaking requests to one operation as ``caller``."""
        operation_id = operation.definition.raw["operationId"]
        for mode, budget in ((GenerationMode.POSITIVE, positive), (GenerationMode.NEGATIVE, negative)):
            if budget == 0:
                continue
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
            if mode is GenerationMode.POSITIVE and (operation_id in values or operation_id == "sync"):
                strategy = _with_real_values(strategy, values.get(operation_id, {}),
                                             values["sync/mutations"] if operation_id == "sync" else {})
            try:
                self._examples(operation, f"{caller.name} ({mode.value})", caller, strategy, budget, session)
            except Unsatisfiable:
                # only in negative mode: nothing in the operation can be made invalid (no parameters,
                # no body, or only strings without constraints, and the path parameters fixed)
                assert mode is GenerationMode.NEGATIVE, f"{operation.label}: no valid request can be generated"

    def _examples(self, operation: schemathesis.APIOperation, who: str, caller: Caller, strategy: Any, budget: int,
                  session: requests.Session) -> None:
        operation_id = operation.definition.raw["operationId"]

        # no shrinking: a failure is recorded (with the first case that showed it), not raised, so the
        # whole budget runs and every distinct failure is reported at once
        @hypothesis.settings(max_examples=budget, derandomize=True, database=None, deadline=None,
                             phases=[Phase.explicit, Phase.generate], verbosity=Verbosity.quiet,
                             suppress_health_check=list(HealthCheck), print_blob=False)
        @given(case=strategy)
        def run(case: schemathesis.Case) -> None:
            response = case.call(session=session, headers=caller.headers, cookies=caller.cookies, timeout=30)
            self.cases[operation_id] += 1
            self.statuses[operation_id][response.status_code] += 1
            try:
                case.validate_response(response, checks=list(CHECKS))
            except FailureGroup as group:
                key = (operation_id, response.status_code)
                if key not in self.failures:  # the first case of each operation and status
                    titles = "; ".join(f"{f.title}: {f.message}".strip(": ") for f in group.exceptions)
                    self.failures[key] = (
                        f"{operation.label} as {who}: {titles}\n  answer: {response.text[:300]}\n  reproduce: "
                        f"{case.as_curl_command(headers=dict(response.request.headers))}")

        run()


def _session() -> requests.Session:
    """One connection pool per pass; its cookie jar keeps nothing (each request carries its caller's
    cookies), so a logout or a login the fuzzer makes changes no other request."""
    session = requests.Session()
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return session


def _server_errors_in_log(log_path: Path) -> list[str]:
    """What the server logged with a traceback (a 500: ``server error on …``; the mail job failing a
    round: ``… job failed``), each cut to its first line, the frames in this repository and the error."""
    lines = log_path.read_text(errors="replace").splitlines()
    found: list[str] = []
    for i, line in enumerate(lines):
        if "server error on" not in line and "job failed" not in line:
            continue
        block = [line]
        for following in lines[i + 1:]:
            if following.startswith(("INFO", "ERROR", "WARNING", "DEBUG")):
                break
            block.append(following)
        frames = [f.strip() for f in block if f.strip().startswith("File ") and str(REPO) in f
                  and "/.venv/" not in f]
        what = line[line.index("server error on"):] if "server error on" in line else line.split(" - ")[-1]
        found.append("\n    ".join([what, *frames[-3:], block[-1].strip()]))
    return [f"{excerpt}\n    ({n}x)" for excerpt, n in Counter(found).items()]


def test_schemathesis_finds_no_server_error_and_no_undocumented_status(world: World, record_property: Any) -> None:
    started = time.monotonic()
    base = world.server.base_url
    schema = schemathesis.openapi.from_url(f"{base}/schema/openapi.json", config=schemathesis.Config())
    operations = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        operations[operation.definition.raw["operationId"]] = operation
    run = Run()
    anonymous = Caller("nobody")
    trainee, supervisor, admin = (world.callers[k] for k in ("trainee", "supervisor", "admin"))

    def fuzz_pass(name: str, caller: Caller, operation_ids: list[str] | tuple[str, ...], *, positive: int,
                  negative: int, path_parameters: dict[str, Any] | None = None) -> None:
        run.passes.append(name)
        session = _session()
        for operation_id in operation_ids:
            run.fuzz(operations[operation_id], caller, positive=positive, negative=negative, session=session,
                     values=world.values, path_parameters=path_parameters)
        session.close()

    everything_but_logout = [op for op in operations if op != LAST]
    # 1. every operation as each role, with generated ids
    for name, caller in (("trainee", trainee), ("supervisor", supervisor), ("admin", admin)):
        fuzz_pass(f"{name}: all operations", caller, everything_but_logout, positive=POSITIVE, negative=NEGATIVE)
    # 2. every operation without a session: the 401s (and the public operations) as documented
    fuzz_pass("nobody: all operations", anonymous, list(operations), positive=3, negative=2)
    # 3. real ids: the assessments (every state the demo and the fixture made), forms, requests
    doc_ops = [op for op in everything_but_logout if "{doc_id}" in operations[op].path]
    for caller in (trainee, supervisor):
        for doc_id in world.doc_ids:
            fuzz_pass(f"{caller.name}: assessment {doc_id}", caller, doc_ops, positive=TARGETED_POSITIVE,
                      negative=TARGETED_NEGATIVE, path_parameters={"doc_id": doc_id})
    for form_id, version in (("mini-cex", 1), ("dops", 1), ("slutbedomning-bt", 1)):
        fuzz_pass(f"nobody: form {form_id}/{version}", anonymous, ["getForm"], positive=1, negative=0,
                  path_parameters={"form_id": form_id, "version": version})
        fuzz_pass(f"nobody: FHIR Questionnaire {form_id}-{version}", anonymous, ["getFhirQuestionnaire"], positive=1,
                  negative=0, path_parameters={"questionnaire_id": f"{form_id}-{version}"})
    # 4. the request-link flow's tokens (withdraw comes in 5., after the links were used)
    fuzz_pass("unclaimed request link", anonymous.with_bearer("unclaimed link", world.tokens["unclaimed link"]),
              ["openLink", "nameLinkAssessor", "keepDisplacedAnswer", "listRefusedChanges", "sync", "claimLink"],
              positive=TARGETED_POSITIVE, negative=TARGETED_NEGATIVE)
    fuzz_pass("trainee with her own link", trainee.with_bearer("own link", world.tokens["claimed link"]),
              [*LINK_OPS, "sync", "listRefusedChanges"], positive=3, negative=0)
    fuzz_pass("claimed request link", anonymous.with_bearer("claimed link", world.tokens["claimed link"]),
              [*LINK_OPS, "sync"], positive=TARGETED_POSITIVE, negative=TARGETED_NEGATIVE)
    fuzz_pass("claiming device", anonymous.with_bearer("device", world.tokens["device"]), DEVICE_OPS,
              positive=TARGETED_POSITIVE, negative=TARGETED_NEGATIVE)
    fuzz_pass("device of a signed request", anonymous.with_bearer("signed", world.tokens["signed device"]),
              DEVICE_OPS, positive=TARGETED_POSITIVE, negative=TARGETED_NEGATIVE)
    fuzz_pass("receipt", anonymous.with_bearer("receipt", world.tokens["receipt"]), RECEIPT_OPS,
              positive=TARGETED_POSITIVE, negative=TARGETED_NEGATIVE)
    # 5. the trainee's own requests (bedside unclaimed, e-mail, claimed), withdraw last
    request_ops = [op for op in everything_but_logout if "{request_id}" in operations[op].path]
    request_ops.sort(key=lambda op: op == "withdrawRequest")
    for request_id in world.request_ids:
        fuzz_pass(f"trainee: request {request_id}", trainee, request_ops, positive=TARGETED_POSITIVE,
                  negative=TARGETED_NEGATIVE, path_parameters={"request_id": request_id})
    # 6. tokens this server never made: 404, and after 20 guesses from this address, 429
    fuzz_pass("unknown bearer token", anonymous.with_bearer("unknown", "x" * 43),
              [*LINK_OPS, *RECEIPT_OPS, "sync", "listRefusedChanges"], positive=5, negative=2)
    # 7. logging out, last: it ends the session the earlier passes used
    for caller in (trainee, supervisor, admin):
        fuzz_pass(f"{caller.name}: logout", caller, [LAST], positive=3, negative=2)

    elapsed = time.monotonic() - started
    total = sum(run.cases.values())
    summary = {op: {"cases": run.cases[op], "statuses": dict(sorted(run.statuses[op].items()))} for op in operations}
    record_property("schemathesis_operations", len(operations))
    record_property("schemathesis_cases", total)
    record_property("schemathesis_seconds", round(elapsed, 1))
    record_property("schemathesis_per_operation", json.dumps(summary))
    print(f"\nschemathesis: {total} cases over {len(operations)} operations in {len(run.passes)} passes, "
          f"{elapsed:.1f} s")
    for op, info in summary.items():
        print(f"  {op:<24} {info['cases']:>5}  {info['statuses']}")

    problems = list(run.failures.values())
    logged = _server_errors_in_log(world.log_path)
    if logged:
        problems.append("the server logged:\n  " + "\n  ".join(logged))
    missed = sorted(op for op in operations if run.cases[op] == 0)
    if missed:
        problems.append(f"operations never exercised: {missed}")
    if problems:
        pytest.fail(f"{len(problems)} problems:\n\n" + "\n\n".join(problems), pytrace=False)
    assert len(operations) >= 45 and "sync" in operations
