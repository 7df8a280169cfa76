"""How the server logs: lines for a person (default), or with ``BEDSIDE_LOG_FORMAT=json`` one JSON object
per line (``time``, ``level``, ``logger``, ``message``, and ``exception`` when there is one) for a log
collector. Both apply to uvicorn's loggers (``uvicorn_log_config``, given to ``uvicorn.run``) and to
the app's (``app_logging_config``: Litestar configures the root logger, which ``bedside.*`` reaches).

Nothing here logs a request body or a header. The access log leaves out the query string: a client
may put anything there, a token or a personnummer included (the privacy guard refuses the request,
but the access line is written anyway).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
from typing import Any

from litestar.logging.config import LoggingConfig


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (a newline in a message is escaped)."""

    def __init__(self, *args: Any, use_colors: bool | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # ``use_colors``: what uvicorn may pass its formatters; no colours here

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds")
                      .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class DropQueryString(logging.Filter):
    """uvicorn's access record without the query string (its arguments are client, method, path with
    query, HTTP version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def uvicorn_log_config(log_format: str) -> dict[str, Any]:
    """uvicorn's own logging configuration, with the access log's query strings left out and, for
    ``json``, every line as JSON."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"drop_query": {"()": DropQueryString}}
    config["handlers"]["access"]["filters"] = ["drop_query"]
    if log_format == "json":
        # the names stay: uvicorn writes ``use_colors`` into these two when asked to
        config["formatters"] = {"default": {"()": JsonFormatter}, "access": {"()": JsonFormatter}}
    return config


def app_logging_config(log_format: str) -> LoggingConfig:
    """Litestar's logging configuration (root and ``litestar`` loggers), its format ours for ``json``."""
    if log_format == "json":
        return LoggingConfig(logging_module="logging", formatters={"standard": {"()": JsonFormatter}})
    return LoggingConfig()
