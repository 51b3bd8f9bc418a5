"""The outermost layer of the API (pure ASGI): key first, size limit, safe response headers.

Before the application sees a request, :class:`Guard`

1. checks the ``X-API-Key`` header (every path but the public ones): a missing or wrong key
   gets its 401 at once, *without reading the body*, so an unauthenticated client cannot
   make the server read, buffer or parse anything;
2. caps the body size: a ``Content-Length`` over the limit gets 413 at once; a body without
   one (chunked) is counted as it arrives and refused with 413 as soon as it passes the limit
   (it is never held beyond the limit);
3. marks every response but the static documentation ``Cache-Control: no-store`` (responses
   carry personal data) and ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable, Iterable, Mapping

from .errors import error_body

__all__ = ["Guard", "identify", "PUBLIC_PATHS", "DOCS_ASSETS"]

#: Paths served without a key.
PUBLIC_PATHS = frozenset({"/health", "/docs", "/docs/oauth2-redirect", "/openapi.json"})
#: Prefix of the Swagger UI assets (served from the ``swagger-ui-bundle`` package).
DOCS_ASSETS = "/docs-assets/"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

Scope = dict
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


def identify(keys: Mapping[str, str], key: str | None) -> str | None:
    """The id of ``key`` among ``keys`` (``{key: id}``), compared in constant time; ``None``
    when it matches none. Without configured keys every caller is ``anonymous``."""
    if not keys:
        return "anonymous"
    found = None
    if key:
        raw = key.encode()
        for known, name in keys.items():  # compare against every key: no early exit
            if secrets.compare_digest(raw, known.encode()):
                found = name
    return found


def _header(scope: Scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", ()):
        if k.lower() == name:
            return v.decode("latin-1")
    return None


async def _reply(send: Send, status: int, body: dict, extra: Iterable[tuple[bytes, bytes]] = ()) -> None:
    data = json.dumps(body).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(data)).encode()),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
        (b"connection", b"close"),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


class Guard:
    """ASGI middleware; see the module docstring.

    Parameters
    ----------
    app : the ASGI application.
    keys : ``{key: key id}``; empty means no authentication (explicitly allowed by the caller).
    max_body_bytes : largest request body accepted.
    """

    def __init__(self, app, *, keys: Mapping[str, str], max_body_bytes: int):
        self.app = app
        self.keys = dict(keys)
        self.max_body_bytes = int(max_body_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        public = path in PUBLIC_PATHS or path.startswith(DOCS_ASSETS)
        if not public and scope.get("method") != "OPTIONS":  # CORS preflights carry no key
            key_id = identify(self.keys, _header(scope, b"x-api-key"))
            if key_id is None:
                await _reply(
                    send,
                    401,
                    error_body(
                        "missing or invalid X-API-Key", loc=["header", "X-API-Key"], type="unauthorized"
                    ),
                    [(b"www-authenticate", b"API-Key")],
                )
                return
            scope.setdefault("state", {})["key_id"] = key_id
        if scope.get("method") in _BODY_METHODS:
            receive = await self._bounded(scope, receive, send)
            if receive is None:
                return
        await self.app(scope, receive, self._headers(send, cache=not path.startswith(DOCS_ASSETS)))

    def _too_large(self) -> dict:
        return error_body(
            f"request body larger than {self.max_body_bytes} bytes (SCORING_API_MAX_BODY_BYTES)",
            loc=["body"],
            type="body_too_large",
        )

    async def _bounded(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """Read the body up to the limit; ``None`` once a 413 has been sent."""
        length = _header(scope, b"content-length")
        if length is not None and length.strip().isdigit() and int(length) > self.max_body_bytes:
            await _reply(send, 413, self._too_large())
            return None
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await _reply(send, 413, self._too_large())
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay

    @staticmethod
    def _headers(send: Send, *, cache: bool) -> Send:
        async def wrapped(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                if cache:
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        return wrapped
