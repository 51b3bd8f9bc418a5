"""Structured (JSON lines) logging for the API server."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

__all__ = ["JsonFormatter", "RedactQuery", "redact_query", "log_config"]


def redact_query(target: str) -> str:
    """``target`` (a path with its query string) with every query value replaced by ``***``:
    a key sent by mistake as a query parameter, or personal data, never reaches the logs."""
    path, sep, query = target.partition("?")
    if not sep:
        return target
    parts = []
    for item in query.split("&"):
        name, eq, _ = item.partition("=")
        parts.append(f"{name}=***" if eq else "***")
    return f"{path}?{'&'.join(parts)}"


class RedactQuery(logging.Filter):
    """Redacts the query string of uvicorn's access-log lines (its third argument)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.access" and isinstance(record.args, tuple):
            record.args = tuple(
                redact_query(a) if isinstance(a, str) and "?" in a else a for a in record.args
            )
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message (and exception type, no trace)."""

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            out["exception"] = record.exc_info[0].__name__
            out["trace"] = self.formatException(record.exc_info)  # server-side only, never sent to clients
        return json.dumps(out, ensure_ascii=False)


def log_config(level: str = "info") -> dict:
    """A ``logging.config.dictConfig`` for uvicorn and the API: JSON lines on stderr."""
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "stream": "ext://sys.stderr",
        "filters": ["redact_query"],
    }
    loggers = {
        name: {"handlers": ["json"], "level": level.upper(), "propagate": False}
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "scoring_api", "scoring_core")
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "scoring_api.logs.JsonFormatter"}},
        "filters": {"redact_query": {"()": "scoring_api.logs.RedactQuery"}},
        "handlers": {"json": handler},
        "loggers": loggers,
    }
