"""BEDSIDE_LOG_FORMAT=json: a real ``bedside serve`` writes one JSON object per line (time, level, logger,
message, an exception's text), uvicorn's lines and the app's alike; no body, token or query string is
logged. The default stays lines for a person."""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.live_server import LiveServer
from server.auth.capability import make_token
from server.logs import JsonFormatter

SECRET_KEY = "live-server-secret"  # what LiveServer gives the server
EMAIL = "loggad@test.bedside.se"
PASSWORD = "a password nobody logs"
QUERY_SECRET = "query-secret-4f1c"
BEARER_SECRET = "bearer-secret-9a2e"


def call(server: LiveServer, method: str, path: str, body: dict | None = None, **headers: str) -> int:
    request = urllib.request.Request(server.base_url + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def exercise(server: LiveServer) -> None:
    """Requests whose bodies, headers and query strings carry what must not be logged."""
    assert call(server, "GET", f"/api/health?token={QUERY_SECRET}") == 200
    assert call(server, "POST", "/api/auth/login", {"email": EMAIL, "password": "wrong " + PASSWORD}) == 401
    assert call(server, "GET", "/api/link", Authorization=f"Bearer {BEARER_SECRET}") in (401, 404)
    assert call(server, "POST", "/api/auth/password-reset", {"email": EMAIL}) == 202


def wait_for(log: Path, text: str) -> None:
    deadline = time.monotonic() + 15
    while text not in log.read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, f"{text!r} never logged:\n{log.read_text(encoding='utf-8')}"
        time.sleep(0.1)


def password_link_token(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        (nonce,) = con.execute("SELECT nonce FROM password_links ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        con.close()
    return make_token(SECRET_KEY, "password", nonce)


def test_json_logs_are_one_object_per_line_and_carry_no_secret(tmp_path: Path) -> None:
    db, log = tmp_path / "db.sqlite3", tmp_path / "server.log"
    server = LiveServer(f"sqlite:///{db}", log_path=log, env={"BEDSIDE_LOG_FORMAT": "json"})
    server.cli("user", "add", EMAIL, "--name", "Logga Loggsson", "--role", "trainee", "--password", PASSWORD)
    with server:
        exercise(server)
        wait_for(log, "Demo mail (not sent)")  # the mail job's line: the app's own logger
    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is JSON
    for entry in entries:
        assert isinstance(entry, dict) and {"time", "level", "logger", "message"} <= set(entry), entry
        assert entry["time"].endswith("Z") and entry["level"] in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
    loggers = {e["logger"] for e in entries}
    assert {"uvicorn.error", "uvicorn.access", "bedside.mail"} <= loggers, loggers
    access = [e["message"] for e in entries if e["logger"] == "uvicorn.access"]
    assert any('"GET /api/health HTTP/1.1" 200' in m for m in access), access
    assert any('"POST /api/auth/login HTTP/1.1" 401' in m for m in access), access
    text = "\n".join(lines)
    token = password_link_token(db)
    for secret in (QUERY_SECRET, BEARER_SECRET, PASSWORD, token, "#/losenord/"):
        assert secret not in text, secret


def test_the_default_is_lines_for_a_person_without_query_strings(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with LiveServer(f"sqlite:///{tmp_path}/db.sqlite3", log_path=log) as server:
        assert call(server, "GET", f"/api/health?token={QUERY_SECRET}") == 200
    text = log.read_text(encoding="utf-8")
    assert "Application startup complete." in text and '"GET /api/health HTTP/1.1" 200' in text
    assert not text.lstrip().startswith("{") and QUERY_SECRET not in text


def test_an_exception_is_in_its_line() -> None:
    record = logging.LogRecord("bedside.errors", logging.ERROR, __file__, 1, "server error on %s", ("GET /x",), None)
    try:
        raise ValueError("the detail\non two lines")
    except ValueError:
        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "bedside.errors" and entry["message"] == "server error on GET /x"
    assert entry["exception"].startswith("Traceback") and "ValueError: the detail\non two lines" in entry["exception"]
