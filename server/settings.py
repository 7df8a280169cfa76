"""Settings, read once from environment variables.

Every setting is listed in ``SETTINGS_DOC`` with its variable name, default and meaning; the README
lists the same variables and a test checks that the two agree.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

from .client_address import parse_networks

REPO_ROOT = Path(__file__).resolve().parent.parent

#: (environment variable, default shown in docs, what it does)
SETTINGS_DOC: tuple[tuple[str, str, str], ...] = (
    ("BEDSIDE_DATABASE_URL", "sqlite:///data/bedside.sqlite3",
     "Database. `sqlite:///relative/path.sqlite3`, `sqlite:////absolute/path.sqlite3` or "
     "`postgresql://user:password@host:5432/dbname`."),
    ("BEDSIDE_SECRET_KEY", "(generated into data/secret_key on first start)",
     "Key for signing CSRF tokens and hashing capability tokens. Required when BEDSIDE_ENV=production; "
     "every server process of one deployment must share it."),
    ("BEDSIDE_ENV", "development", "`development` or `production` (production refuses to start without a secret key "
     "and sets Secure cookies)."),
    ("BEDSIDE_BASE_URL", "http://127.0.0.1:8000", "Public address of the app, used in links in e-mail and QR codes "
     "and in the demo banner; unset, it follows BEDSIDE_HOST and BEDSIDE_PORT."),
    ("BEDSIDE_HOST", "127.0.0.1", "Address `bedside serve` listens on."),
    ("BEDSIDE_PORT", "8000", "Port `bedside serve` listens on."),
    ("BEDSIDE_MAX_BODY_BYTES", "1048576", "Largest request body accepted by any endpoint (bytes); larger is a 413."),
    ("BEDSIDE_MAX_SYNC_BYTES", "524288", "Largest `/api/sync` request body (bytes); larger is a 413."),
    ("BEDSIDE_SESSION_DAYS", "14", "How long a login session lasts without use (days)."),
    ("BEDSIDE_SCHEMAS_DIR", "schemas", "Folder of the form catalog (`catalog.json`, `forms/`, `vocabularies/`)."),
    ("BEDSIDE_PWA_DIR", "pwa", "Folder of the PWA's static files, served at `/`."),
    ("BEDSIDE_SMTP_HOST", "(empty: no SMTP)", "SMTP server for request e-mail and reminders. Empty: mail stays queued "
     "(in demo mode it is shown at `/dev/mail`)."),
    ("BEDSIDE_SMTP_PORT", "587", "SMTP port."),
    ("BEDSIDE_SMTP_TLS", "starttls", "`starttls`, `tls` (implicit TLS, usually port 465) or `none`."),
    ("BEDSIDE_SMTP_USER", "(empty)", "SMTP login; empty sends without logging in."),
    ("BEDSIDE_SMTP_PASSWORD", "(empty)", "SMTP password."),
    ("BEDSIDE_MAIL_FROM", "Bedside <noreply@bedside.invalid>", "Sender of every e-mail."),
    ("BEDSIDE_DEMO_MAIL", "auto", "`on`: mail is not sent but shown at `/dev/mail`; `off`: sent by SMTP; `auto`: on "
     "when BEDSIDE_ENV=development and BEDSIDE_SMTP_HOST is empty."),
    ("BEDSIDE_REMINDER_DAYS", "3,7", "Days after a request (or its renewal) when the assessor is reminded, comma-separated."),
    ("BEDSIDE_REQUEST_TOKEN_DAYS", "14", "How long a request link works (days); the trainee can renew it."),
    ("BEDSIDE_TRUSTED_PROXIES", "(empty: none)", "Reverse proxies whose `X-Forwarded-For` is believed, as IP "
     "addresses or networks separated by commas (like `10.0.0.0/8`). Rate limits count the client's address: "
     "without a trusted proxy that is the connection's own address, whatever the headers say."),
    ("BEDSIDE_JOB_INTERVAL_SECONDS", "60", "How often the server retries queued mail and sends due reminders; 0 turns "
     "the in-server job off (then run `bedside remind` from cron)."),
    ("BEDSIDE_LOG_FORMAT", "text", "`text` (lines for a person) or `json` (one JSON object per line: time, level, "
     "logger, message and any exception, for a log collector); the server's and uvicorn's loggers alike."),
    ("BEDSIDE_METRICS_TOKEN", "(empty: this machine only)", "Who may read `/metrics`: empty, only clients on this "
     "machine (127.0.0.1, ::1); set, anyone who sends `Authorization: Bearer <token>`. Everyone else gets a 404."),
    ("BEDSIDE_BENCHMARK_ROUTES", "0", "`1` mounts the benchmark's echo route (`POST /api/sync/echo`, used by "
     "`python -m bench sync`); off in every real deployment."),
)


def _local_url(host: str, port: int) -> str:
    """The address ``bedside serve`` answers on when no BEDSIDE_BASE_URL is set (all interfaces: this machine)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def _resolve(path: str) -> Path:
    p = Path(path)
    return p if p.is_absolute() else REPO_ROOT / p


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///data/bedside.sqlite3"
    secret_key: str = ""
    env: str = "development"
    base_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = 1024 * 1024
    max_sync_bytes: int = 512 * 1024
    session_days: int = 14
    schemas_dir: Path = field(default_factory=lambda: REPO_ROOT / "schemas")
    pwa_dir: Path = field(default_factory=lambda: REPO_ROOT / "pwa")
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_tls: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    mail_from: str = "Bedside <noreply@bedside.invalid>"
    demo_mail: str = "auto"
    reminder_days: tuple[int, ...] = (3, 7)
    request_token_days: int = 14
    job_interval_seconds: int = 60
    #: IP networks, normalised (``10.0.0.0/8``); see ``server.client_address``
    trusted_proxies: tuple[str, ...] = ()
    log_format: str = "text"
    metrics_token: str = ""
    benchmark_routes: bool = False

    @property
    def mail_demo(self) -> bool:
        """Demo mail: shown on ``/dev/mail`` instead of going out."""
        if self.demo_mail == "auto":
            return self.env == "development" and not self.smtp_host
        return self.demo_mail == "on"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:")

    @property
    def sqlite_path(self) -> Path:
        """The database file for a ``sqlite:///`` URL (three slashes: relative to the repository)."""
        rest = self.database_url.removeprefix("sqlite://")
        if rest.startswith("//"):  # sqlite:////abs/path
            return Path(rest[1:])
        return _resolve(rest.lstrip("/"))

    @property
    def cookie_secure(self) -> bool:
        return self.env == "production" or self.base_url.startswith("https://")

    @classmethod
    def from_env(cls) -> Settings:
        env = _env("BEDSIDE_ENV", "development")
        if env not in ("development", "production"):
            raise SettingsError(f"BEDSIDE_ENV must be 'development' or 'production', not {env!r}")
        settings = cls(
            database_url=_env("BEDSIDE_DATABASE_URL", cls.database_url),
            secret_key=_env("BEDSIDE_SECRET_KEY", ""),
            env=env,
            base_url=_env("BEDSIDE_BASE_URL", _local_url(_env("BEDSIDE_HOST", cls.host),
                                                          _int("BEDSIDE_PORT", cls.port))).rstrip("/"),
            host=_env("BEDSIDE_HOST", cls.host),
            port=_int("BEDSIDE_PORT", cls.port),
            max_body_bytes=_int("BEDSIDE_MAX_BODY_BYTES", cls.max_body_bytes),
            max_sync_bytes=_int("BEDSIDE_MAX_SYNC_BYTES", cls.max_sync_bytes),
            session_days=_int("BEDSIDE_SESSION_DAYS", cls.session_days),
            schemas_dir=_resolve(_env("BEDSIDE_SCHEMAS_DIR", "schemas")),
            pwa_dir=_resolve(_env("BEDSIDE_PWA_DIR", "pwa")),
            smtp_host=_env("BEDSIDE_SMTP_HOST", ""),
            smtp_port=_int("BEDSIDE_SMTP_PORT", cls.smtp_port),
            smtp_tls=_choice("BEDSIDE_SMTP_TLS", _env("BEDSIDE_SMTP_TLS", cls.smtp_tls), ("starttls", "tls", "none")),
            smtp_user=_env("BEDSIDE_SMTP_USER", ""),
            smtp_password=_env("BEDSIDE_SMTP_PASSWORD", ""),
            mail_from=_env("BEDSIDE_MAIL_FROM", cls.mail_from),
            demo_mail=_choice("BEDSIDE_DEMO_MAIL", _env("BEDSIDE_DEMO_MAIL", cls.demo_mail), ("auto", "on", "off")),
            reminder_days=_days("BEDSIDE_REMINDER_DAYS", _env("BEDSIDE_REMINDER_DAYS", "3,7")),
            request_token_days=_int("BEDSIDE_REQUEST_TOKEN_DAYS", cls.request_token_days),
            job_interval_seconds=_int("BEDSIDE_JOB_INTERVAL_SECONDS", cls.job_interval_seconds),
            trusted_proxies=_networks("BEDSIDE_TRUSTED_PROXIES", _env("BEDSIDE_TRUSTED_PROXIES", "")),
            log_format=_choice("BEDSIDE_LOG_FORMAT", _env("BEDSIDE_LOG_FORMAT", cls.log_format), ("text", "json")),
            metrics_token=_env("BEDSIDE_METRICS_TOKEN", ""),
            benchmark_routes=_flag("BEDSIDE_BENCHMARK_ROUTES", _env("BEDSIDE_BENCHMARK_ROUTES", "0")),
        )
        if not (settings.is_sqlite or settings.database_url.startswith(("postgres://", "postgresql://"))):
            raise SettingsError("BEDSIDE_DATABASE_URL must start with sqlite:/// or postgresql://")
        return settings.with_secret_key()

    def with_secret_key(self) -> Settings:
        """Fill in the secret key: required in production, otherwise kept in a file beside the data."""
        if self.secret_key:
            return self
        if self.env == "production":
            raise SettingsError("BEDSIDE_SECRET_KEY must be set when BEDSIDE_ENV=production")
        key_file = (self.sqlite_path.parent if self.is_sqlite else REPO_ROOT / "data") / "secret_key"
        key_file.parent.mkdir(parents=True, exist_ok=True)
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return replace(self, secret_key=key_file.read_text().strip())


class SettingsError(ValueError):
    """A setting has a value the server cannot run with."""


def _int(name: str, default: int) -> int:
    raw = _env(name, str(default))
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None


def _networks(name: str, raw: str) -> tuple[str, ...]:
    try:
        return tuple(str(net) for net in parse_networks(raw))
    except ValueError as exc:
        raise SettingsError(f"{name}: {exc}") from None


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _flag(name: str, raw: str) -> bool:
    """``1``/``0`` (``on``/``off``, ``true``/``false``, ``yes``/``no`` too)."""
    value = raw.strip().lower()
    if value in ("1", "on", "true", "yes"):
        return True
    if value in ("0", "off", "false", "no"):
        return False
    raise SettingsError(f"{name} must be 1 or 0, not {raw!r}")


def _days(name: str, raw: str) -> tuple[int, ...]:
    """``"3,7"`` -> ``(3, 7)``: increasing whole days."""
    try:
        days = tuple(int(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise SettingsError(f"{name} must be whole days separated by commas (like 3,7), not {raw!r}") from None
    if any(d <= 0 for d in days) or list(days) != sorted(set(days)):
        raise SettingsError(f"{name} must be increasing positive days (like 3,7), not {raw!r}")
    return days

