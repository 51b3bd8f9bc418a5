"""Run the API under uvicorn (what ``python -m scoring_core serve`` calls).

One or several worker processes (``--workers``, ``SCORING_API_WORKERS``, default: the number
of CPU cores); each loads the model and the clients once at start-up. The port is bound here,
before anything starts, so a busy port or a bad address is a one-line error (exit code 2) and
never a worker crash.

With several workers, each listens on its own ``SO_REUSEPORT`` socket (where the platform has
it), so the kernel spreads new connections evenly over the workers. With one shared socket,
the worker that wakes first accepts every pending connection: 32 keep-alive connections opened
together (a load balancer's pool) could all land on one worker and leave the other cores idle.
The parent's socket reserves the port but never listens.

With several workers, ``POST /model/reload`` reaches all of them: the worker that reloads
successfully publishes a new *generation* (a small file in a directory private to this
server) before it answers; every worker compares that file's identity (one ``stat`` per
request) with the generation it serves and, when it changed, reloads the artifact before
handling the request. So once a reload has answered 200, no worker answers with the old
model. A worker whose reload fails (e.g. the artifact changed again and is now refused)
keeps its model and logs an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import logging
import os
import shutil
import socket
import sys
import tempfile
import uuid
from pathlib import Path

import anyio.to_thread
import uvicorn
from uvicorn.supervisors.multiprocess import Process

from scoring_core.errors import ScoringError

from .app import build
from .logs import log_config
from .settings import ApiSettings

__all__ = ["serve", "worker_app", "GenerationSync", "default_workers"]

log = logging.getLogger("scoring_api.server")

# the worker processes (spawned, they import this module) get their arguments from these
_ENV_MODEL = "SCORING_SERVE_MODEL_DIR"
_ENV_DATA = "SCORING_SERVE_DATA_DIR"
_ENV_NO_AUTH = "SCORING_SERVE_NO_AUTH"
_ENV_GENERATION = "SCORING_SERVE_GENERATION_FILE"


def default_workers() -> int:
    """The CPU cores this process may use (its affinity mask where the platform has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class GenerationSync:
    """ASGI wrapper keeping the model of one worker in step with the other workers.

    Parameters
    ----------
    app : the FastAPI application of this worker (its ``state.api`` reloads the artifact).
    path : the generation file shared by the workers of one server.
    """

    def __init__(self, app, path: Path):
        self.app = app
        self.path = Path(path)
        self._seen = self._identity()
        self._lock = asyncio.Lock()

    def _identity(self) -> tuple | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    async def _catch_up(self) -> None:
        if self._identity() == self._seen:
            return
        async with self._lock:  # one reload per worker; the other requests wait for it
            current = self._identity()
            if current == self._seen:
                return
            state = self.app.state.api
            try:
                version = await anyio.to_thread.run_sync(state.reload)
            except ScoringError as exc:
                log.error("reload published by another worker failed here, current model kept: %s", exc)
            else:
                log.info("model reloaded (published by another worker): %s", version)
            self._seen = current

    def _publish(self) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(uuid.uuid4().hex, encoding="ascii")
        os.replace(tmp, self.path)
        self._seen = self._identity()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not (scope["path"] == "/model/reload" and scope["method"] == "POST"):
            await self._catch_up()
            await self.app(scope, receive, send)
            return

        async def send_after_publishing(message):
            if message["type"] == "http.response.start" and message["status"] == 200:
                self._publish()  # before the client hears of the reload
            await send(message)

        async with self._lock:
            await self.app(scope, receive, send_after_publishing)


def worker_app():
    """The app of one worker process (an app factory for uvicorn; arguments from the environment).

    A worker that cannot start exits with uvicorn's start-up failure code (3), which stops the
    server instead of restarting the worker forever.
    """
    try:
        app = build(
            Path(os.environ[_ENV_MODEL]),
            Path(os.environ[_ENV_DATA]),
            settings=ApiSettings(),
            allow_no_auth=os.environ.get(_ENV_NO_AUTH) == "1",
        )
    except Exception as exc:
        log.error("API worker failed to start: %s: %s", type(exc).__name__, exc)
        sys.exit(3)
    generation = os.environ.get(_ENV_GENERATION)
    return GenerationSync(app, Path(generation)) if generation else app


def _bind(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """The listening socket (as uvicorn binds it), or a one-line error.

    ``reuse_port``: bound with ``SO_REUSEPORT``, so that each worker can bind its own socket
    to the same address (see :class:`_OwnSocketProcess`)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise ScoringError(f"cannot listen on {host}:{port}: unknown address ({exc.strerror})") from None
    family = infos[0][0]
    sock = socket.socket(family=family, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind(infos[0][4])
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ScoringError(
                f"cannot listen on {host}:{port}: the port is already in use (choose another with --port)"
            ) from None
        raise ScoringError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def _own_socket(shared: socket.socket) -> socket.socket:
    """A new ``SO_REUSEPORT`` socket bound to the address of ``shared`` (in a worker)."""
    sock = socket.socket(family=shared.family, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(shared.getsockname())
    return sock


class _OwnSocketProcess(Process):
    """uvicorn's worker process, serving on a ``SO_REUSEPORT`` socket of its own instead of the
    shared one (module level: the spawned worker unpickles it)."""

    def target(self, sockets: list[socket.socket] | None = None) -> None:  # pragma: no cover - child
        own = [_own_socket(s) for s in sockets or ()]
        for s in sockets or ():
            s.close()
        super().target(own)


@contextlib.contextmanager
def _patched(module, name: str, value):
    saved = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, saved)


def _preflight(model_dir: Path, data_dir: Path, *, allow_missing_tables: bool = False) -> None:
    """Load the model and the data once in the parent, so bad input (including data lacking a
    table the model was trained with, unless allowed) is a one-line error."""
    from scoring_core.data import load_dataset
    from scoring_core.model.artifact import load_model
    from scoring_core.model.tables import check_tables

    model = load_model(model_dir)
    dataset = load_dataset(data_dir, progress=False)
    check_tables(model, dataset.feature_tables("all"), allow_missing=allow_missing_tables)
    del model, dataset
    gc.collect()


def serve(
    model_dir: Path,
    data_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int | None = None,
    no_auth: bool = False,
    quiet: bool = False,
    allow_missing_tables: bool | None = None,
) -> None:
    """Load everything, bind the port, then serve until interrupted.

    Parameters
    ----------
    workers : server processes (default ``SCORING_API_WORKERS``, else the CPU cores).
    allow_missing_tables : serve data lacking tables the model was trained with (default
        ``SCORING_API_ALLOW_MISSING_TABLES``, else refused).

    Raises
    ------
    ScoringError
        Without an API key (``SCORING_API_KEYS``) unless ``no_auth``; a port in use or an
        address that cannot be bound; a model or data directory that does not load.
    """
    settings = ApiSettings()
    if allow_missing_tables is not None:
        settings = settings.model_copy(update={"allow_missing_tables": bool(allow_missing_tables)})
    if not settings.keys() and not no_auth:
        raise ScoringError("no API key: set SCORING_API_KEYS=... (or pass --no-auth for a local experiment)")
    workers = workers or settings.workers or default_workers()
    level = "warning" if quiet else "info"
    common = dict(
        log_level=level,
        log_config=log_config(level),
        server_header=False,  # no "server: uvicorn" banner
        timeout_graceful_shutdown=10,
        # a worker loading the model and the clients can hold the GIL for seconds on a busy
        # machine: uvicorn's default (5 s) kills and restarts it forever
        timeout_worker_healthcheck=120,
    )
    model_dir, data_dir = Path(model_dir).resolve(), Path(data_dir).resolve()
    if workers == 1:
        app = build(model_dir, data_dir, settings=settings, allow_no_auth=no_auth)
        sock = _bind(host, port)
        config = uvicorn.Config(app, host=host, port=port, **common)
        with contextlib.closing(sock):
            uvicorn.Server(config).run(sockets=[sock])
        return

    from uvicorn.supervisors import Multiprocess

    _preflight(model_dir, data_dir, allow_missing_tables=settings.allow_missing_tables)
    reuse_port = hasattr(socket, "SO_REUSEPORT")
    sock = _bind(host, port, reuse_port=reuse_port)
    runtime = Path(tempfile.mkdtemp(prefix="scoring-serve-"))
    env = {
        _ENV_MODEL: str(model_dir),
        _ENV_DATA: str(data_dir),
        _ENV_NO_AUTH: "1" if no_auth else "0",
        _ENV_GENERATION: str(runtime / "generation"),
        "SCORING_API_ALLOW_MISSING_TABLES": "1" if settings.allow_missing_tables else "0",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # inherited by the spawned workers
    try:
        config = uvicorn.Config(
            f"{__name__}:worker_app", factory=True, host=host, port=port, workers=workers, **common
        )
        supervisor = Multiprocess(config, sockets=[sock])
        if reuse_port:  # uvicorn's supervisor makes its workers with the module's Process class
            import uvicorn.supervisors.multiprocess as mp

            with _patched(mp, "Process", _OwnSocketProcess):
                supervisor.run()
        else:
            supervisor.run()
        failed = [p.pid for p in supervisor.processes if p.exitcode == 3]  # uvicorn's STARTUP_FAILURE
        if failed:
            raise ScoringError(f"API worker process(es) {failed} failed to start (see the log above)")
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        sock.close()
        shutil.rmtree(runtime, ignore_errors=True)
