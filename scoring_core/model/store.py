"""The model store around the production model directory: layout, atomic swaps, rollback.

Layout (everything is a sibling of the champion directory, e.g. ``models/current``)::

    models/
      current/                      the champion: a plain, verified model artifact at all times
      current.previous/             the champion before the last promotion (rollback target)
      current.archive/<version>/    older champions (the last ``keep_archived``)
      current.history.jsonl         one JSON line per promotion, kept champion, rollback and
                                    MLflow record of a promoted model (``mlflow_logged``)
      current.promoting.json        only while a promotion is under way: what is being promoted
      current.lock                  held while a retrain or a rollback changes the store
      .current.staging-<pid>-<id>/  a challenger being written and checked (removed afterwards;
                                    ``..current.staging-*`` are the temporary directories of its
                                    atomic write): those of a process that is gone (a crashed
                                    run) are removed by the next retrain

A promotion writes ``current.promoting.json`` (synced to disk) before it touches
``current``, appends the ``promoted`` journal entry (synced) right after the exchange and
only then removes the intent file and talks to MLflow. A process killed at any point leaves
``current`` a complete model; the next retrain or rollback finds the intent file and
completes the journal (``"recovered": true``) when the promotion had happened, or records
``promotion_interrupted`` when it had not.

``current`` is replaced by exchanging it with a complete, verified directory in one system
call (Linux ``renameat2(RENAME_EXCHANGE)``), so a reader finds either the old or the new
model, never a missing or half-written one. Where that call does not exist, three renames
are used: ``current`` is then absent for the instant between the first two and put back if
the second fails.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import logging
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import ScoringError
from ._hooks import pause_point as _pause_point
from .artifact import ModelError, load_model, read_metadata

__all__ = [
    "StoreError",
    "StorePaths",
    "RollbackResult",
    "store_paths",
    "store_history",
    "set_champion_alias",
    "rollback",
    "CHAMPION_ALIAS",
]

log = logging.getLogger(__name__)

#: MLflow registry alias of the model in ``current``.
CHAMPION_ALIAS = "champion"


class StoreError(ScoringError):
    """A retraining or rollback that cannot be done (bad input, nothing to roll back to...)."""


# ----------------------------------------------------------------------------- store layout


@dataclass(frozen=True)
class StorePaths:
    """Where the champion, the previous champion, the archive and the journal live."""

    current: Path
    previous: Path
    archive: Path
    history: Path
    lock: Path
    promoting: Path

    def staging(self) -> Path:
        """A fresh staging path for a challenger (hidden, next to ``current``)."""
        return self.current.parent / f".{self.current.name}.staging-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def store_paths(champion_dir: str | os.PathLike) -> StorePaths:
    """The store layout around ``champion_dir`` (e.g. ``models/current``)."""
    cur = Path(champion_dir)
    if cur.name in ("", ".", ".."):
        raise StoreError(f"model directory {champion_dir!r} must name a directory, e.g. models/current")
    return StorePaths(
        current=cur,
        previous=cur.with_name(f"{cur.name}.previous"),
        archive=cur.with_name(f"{cur.name}.archive"),
        history=cur.with_name(f"{cur.name}.history.jsonl"),
        lock=cur.with_name(f"{cur.name}.lock"),
        promoting=cur.with_name(f"{cur.name}.promoting.json"),
    )


def store_history(champion_dir: str | os.PathLike) -> list[dict]:
    """The journal of promotions, kept champions and rollbacks (oldest first)."""
    path = store_paths(champion_dir).history
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _journal(paths: StorePaths, entry: dict) -> None:
    """Append ``entry`` to the journal and sync it to disk (a failure only warns)."""
    entry = {"time": datetime.now(UTC).isoformat(timespec="seconds"), **entry}
    try:
        with open(paths.history, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, default=str) + "\n")
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:  # the journal is a record, not a precondition
        log.warning("could not append to %s: %s", paths.history, exc)


def _write_intent(paths: StorePaths, entry: dict) -> None:
    tmp = paths.promoting.with_name(f".{paths.promoting.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(json.dumps(entry, default=str))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, paths.promoting)


def _recover(paths: StorePaths) -> None:
    """Complete the journal of a promotion interrupted by a crash (store locked)."""
    if not paths.promoting.is_file():
        return
    try:
        intent = json.loads(paths.promoting.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("unreadable %s (%s): removed", paths.promoting, exc)
        intent = None
    if isinstance(intent, dict):
        challenger = intent.get("challenger_version")
        journaled = any(
            e.get("action") in ("promoted", "promotion_interrupted")
            and e.get("challenger_version") == challenger
            for e in store_history(paths.current)[-5:]
        )
        if not journaled:
            if _version_of(paths.current) == challenger:
                _journal(paths, {**intent, "action": "promoted", "recovered": True})
                log.warning("completed the journal of the interrupted promotion of %s", challenger)
            else:
                _journal(paths, {**intent, "action": "promotion_interrupted"})
                log.warning("a promotion of %s was interrupted before it happened", challenger)
    paths.promoting.unlink(missing_ok=True)


@contextlib.contextmanager
def _locked(paths: StorePaths) -> Iterator[None]:
    """Hold an exclusive lock on the store (released when the process ends, whatever happens)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    paths.lock.parent.mkdir(parents=True, exist_ok=True)
    with open(paths.lock, "a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(
                f"another retrain or rollback is running on {paths.current} ({paths.lock} is locked)"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _renameat2():
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(new: Path, target: Path) -> None:
    """Swap two existing directories: ``target`` gets ``new``'s content and ``new`` ``target``'s.

    One atomic system call on Linux (``renameat2`` with ``RENAME_EXCHANGE``); elsewhere three
    renames, ``target`` being absent only between the first two and put back if the second
    fails.
    """
    fn = _renameat2()
    if fn is not None:
        if fn(_AT_FDCWD, os.fsencode(new), _AT_FDCWD, os.fsencode(target), _RENAME_EXCHANGE) == 0:
            return
        err = ctypes.get_errno()
        if err not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise OSError(err, os.strerror(err), str(target))
    tmp = target.with_name(f".{target.name}.swap-{os.getpid()}")
    os.replace(target, tmp)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(tmp, target)
        raise
    os.replace(tmp, new)


def _version_of(model_dir: Path) -> str | None:
    try:
        return str(read_metadata(model_dir).get("model_version"))
    except ModelError:
        return None


def _is_model_dir(path: Path) -> bool:
    return path.is_dir() and (path / "metadata.json").is_file()


def _archive(paths: StorePaths, model_dir: Path) -> Path:
    """Move ``model_dir`` into the archive (pruned to ``keep`` models after a promotion)."""
    paths.archive.mkdir(parents=True, exist_ok=True)
    name = _version_of(model_dir) or f"unversioned-{uuid.uuid4().hex[:8]}"
    dest = paths.archive / name
    while dest.exists():
        dest = paths.archive / f"{name}-{uuid.uuid4().hex[:4]}"
    os.replace(model_dir, dest)
    return dest


def _prune_archive(paths: StorePaths, keep: int) -> None:
    if not paths.archive.is_dir():
        return
    entries = sorted((p for p in paths.archive.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in entries[: max(0, len(entries) - keep)]:
        shutil.rmtree(old, ignore_errors=True)


def _remove_stale_staging(paths: StorePaths) -> None:
    """Staging directories left by a crashed run (only called with the store locked); those of
    a live process are kept."""
    parent = paths.current.parent
    if not parent.is_dir():
        return
    # ".current.staging-*": a challenger; "..current.staging-*": the temporary directories of
    # its atomic write (save_model names them after the staging directory)
    for pattern in (f".{paths.current.name}.staging-*", f"..{paths.current.name}.staging-*"):
        for p in parent.glob(pattern):
            if _owner_alive(p.name):
                continue  # a challenger still being trained or saved by a running retrain
            log.info("removing stale staging directory %s", p)
            shutil.rmtree(p, ignore_errors=True)


def _owner_alive(name: str) -> bool:
    """Whether the process named in a staging directory's name (``staging-<pid>-``) still runs.

    A retrain trains and saves its challenger before it takes the lock, so a concurrent run
    must not remove a staging directory whose process is alive (its own included)."""
    m = re.search(r"\.staging-(\d+)-", name)
    if not m:
        return False
    try:
        os.kill(int(m.group(1)), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


@dataclass
class RollbackResult:
    """What a rollback did: ``restored_version`` is now in ``current``, ``replaced_version``
    in ``previous``."""

    champion_dir: Path
    previous_dir: Path
    restored_version: str | None
    replaced_version: str | None


# ----------------------------------------------------------------------------- promotion and rollback


def _promote(staging: Path, paths: StorePaths, keep_archived: int, entry: dict | None = None) -> Path | None:
    """Make ``staging`` (a verified artifact) the champion, the store being locked; the champion
    becomes ``previous`` (the old previous is archived). Returns where the old previous went.
    The champion is intact on failure.

    ``entry`` (the journal entry of the promotion) is written as an intent file before anything
    moves and appended to the journal right after the exchange, before this returns.
    """
    archived = None
    entry = {"action": "promoted", **(entry or {})}
    _write_intent(paths, entry)
    _pause_point("before-promote")
    try:
        if paths.previous.exists():
            archived = _archive(paths, paths.previous)
        if _is_model_dir(paths.current):
            try:
                _exchange(staging, paths.current)
            except BaseException:
                if archived is not None:  # put the rollback target back where it was
                    os.replace(archived, paths.previous)
                    archived = None
                raise
            # staging now holds the old champion: it becomes the rollback target
            try:
                os.replace(staging, paths.previous)
            except OSError as exc:
                keep = paths.archive / (_version_of(staging) or f"previous-{uuid.uuid4().hex[:8]}")
                paths.archive.mkdir(parents=True, exist_ok=True)
                os.replace(staging, keep)
                log.warning(
                    "the old champion could not become %s (%s); archived in %s", paths.previous, exc, keep
                )
        else:
            if paths.current.exists():  # an empty directory
                paths.current.rmdir()
            os.replace(staging, paths.current)
    except OSError as exc:
        paths.promoting.unlink(missing_ok=True)
        raise StoreError(f"promotion failed ({exc}); {paths.current} is unchanged") from exc
    _pause_point("after-promote")
    _journal(paths, entry)
    paths.promoting.unlink(missing_ok=True)
    _prune_archive(paths, keep_archived)
    return archived


def rollback(champion_dir: str | os.PathLike, *, log_mlflow: bool = True) -> RollbackResult:
    """Put the previous champion back in ``champion_dir``; the current one becomes the previous.

    The previous model is verified (hashes, versions) before anything moves, and the two
    directories are exchanged atomically, so a second rollback rolls forward again.

    Raises
    ------
    StoreError
        Nothing to roll back to, or a previous model that does not load.
    """
    paths = store_paths(champion_dir)
    with _locked(paths):
        _recover(paths)
        if not _is_model_dir(paths.previous):
            raise StoreError(
                f"nothing to roll back to: {paths.previous} does not exist (no model was promoted over another)"
            )
        try:
            load_model(paths.previous)
        except ModelError as exc:
            raise StoreError(f"the previous model does not load, refusing to roll back: {exc}") from None
        restored, replaced = _version_of(paths.previous), _version_of(paths.current)
        try:
            if paths.current.exists():
                _exchange(paths.previous, paths.current)
            else:
                os.replace(paths.previous, paths.current)
        except OSError as exc:
            raise StoreError(f"rollback failed ({exc}); {paths.current} is unchanged") from exc
        mlflow_version = next(
            (
                e.get("mlflow_model_version")
                for e in reversed(store_history(champion_dir))
                if e.get("challenger_version") == restored and e.get("mlflow_model_version")
            ),
            None,
        )
        _journal(paths, {"action": "rollback", "champion_version": restored, "replaced_version": replaced})
    if log_mlflow and mlflow_version:
        try:
            set_champion_alias(None, mlflow_version)
        except Exception as exc:  # tracking must not undo a rollback
            log.warning("MLflow alias not updated: %s: %s", type(exc).__name__, exc)
    log.info("rolled back %s: %s restored, %s is now the previous model", paths.current, restored, replaced)
    return RollbackResult(paths.current, paths.previous, restored, replaced)


def set_champion_alias(registered_model: str | None, version) -> None:
    """Point the MLflow registry alias ``champion`` at ``version`` of ``registered_model``
    (default :data:`~scoring_core.tracking.DEFAULT_REGISTERED_MODEL`)."""
    from mlflow import MlflowClient

    from ..tracking import DEFAULT_REGISTERED_MODEL

    MlflowClient().set_registered_model_alias(
        registered_model or DEFAULT_REGISTERED_MODEL, CHAMPION_ALIAS, str(version)
    )
