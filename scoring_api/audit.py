"""The audit log of client-data access: one JSON object per line, written by our own thread.

It does not go through :mod:`logging`: uvicorn's ``dictConfig`` resets the handlers of the
``scoring_api`` loggers when the server starts, which silently sent the records to stderr
(or nowhere with ``-q``) instead of the file. Here a request only puts a record on a queue;
a daemon thread appends each line with one ``write`` on a file opened with ``O_APPEND``
(lines from several worker processes never interleave) and ``fsync``\\ s after each batch.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["AuditLog"]

log = logging.getLogger(__name__)
_STOP = object()


class AuditLog:
    """Append-only JSON-lines file of who accessed which client's data, and when.

    Parameters
    ----------
    path : the file (created with mode 0600 if absent; its directory is created too).

    Examples
    --------
    >>> audit = AuditLog(Path("audit.jsonl"))  # doctest: +SKIP
    >>> audit.write(key_id="advisor", client_id=100002, endpoint="/clients/100002", method="GET")  # doctest: +SKIP
    >>> audit.close()  # doctest: +SKIP
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="audit-log", daemon=True)
        self._thread.start()

    def write(self, **record) -> None:
        """Queue one record (``time`` in UTC is added first); never blocks on the disk."""
        if self._closed:
            raise RuntimeError("the audit log is closed")
        record = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), **record}
        self._q.put(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until every record queued so far is on disk."""
        done = threading.Event()
        self._q.put(done)
        done.wait(timeout)

    def close(self) -> None:
        """Write what is queued, then stop the thread and close the file."""
        if self._closed:
            return
        self._closed = True
        self._q.put(_STOP)
        self._thread.join(timeout=10)
        try:
            os.close(self._fd)
        except OSError:  # pragma: no cover - already closed
            pass

    def _run(self) -> None:
        while True:
            item = self._q.get()
            batch = [item]
            while True:  # drain what is there, then one fsync for the batch
                try:
                    batch.append(self._q.get_nowait())
                except queue.Empty:
                    break
            stop = False
            for entry in batch:
                if entry is _STOP:
                    stop = True
                elif isinstance(entry, threading.Event):
                    continue
                else:
                    self._append(entry)
            try:
                os.fsync(self._fd)
            except OSError as exc:  # pragma: no cover - disk failure
                log.error("audit log %s: fsync failed: %s", self.path.name, exc)
            for entry in batch:
                if isinstance(entry, threading.Event):
                    entry.set()
            if stop:
                return

    def _append(self, line: str) -> None:
        data = line.encode("utf-8")
        try:
            written = os.write(self._fd, data)  # one write per line: O_APPEND keeps lines whole
            while written < len(data):  # pragma: no cover - short write on a full disk
                written += os.write(self._fd, data[written:])
        except OSError as exc:  # the record is lost: say so loudly, do not kill the thread
            log.error("audit log %s: write failed: %s", self.path.name, exc)
