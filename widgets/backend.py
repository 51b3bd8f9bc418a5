"""How the dashboard talks to the model: one interface, two implementations.

- :class:`LocalBackend`: in-process, over a :class:`~scoring_core.service.ScoringService`.
- :class:`HttpBackend`: the scoring API (the production set-up), used when
  ``SCORING_API_URL`` is set (with ``SCORING_API_KEY``, see :mod:`widgets.settings`).

Both return the same plain data (dicts and lists, the API's JSON). A failure raises
:class:`BackendError` with a message for the user; a backend never silently falls back to
the other one.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Protocol
from urllib.parse import quote

__all__ = ["Backend", "BackendError", "LocalBackend", "HttpBackend", "backend_from_env"]


class BackendError(Exception):
    """The model could not answer; ``str(exc)`` is meant for the user."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class Backend(Protocol):
    name: str

    def score(self, client_id: int) -> dict: ...
    def explanation(self, client_id: int, *, top: int = 10, lang: str = "en") -> dict: ...
    def whatif(self, client_id: int, changes: dict, *, top: int = 10, lang: str = "en") -> dict: ...
    def profile(self, client_id: int) -> dict: ...
    def counterfactual(self, client_id: int) -> dict: ...
    def compare(self, client_id: int, feature: str) -> dict: ...
    def bivariate(self, client_id: int, x: str, y: str, *, color: str = "score") -> dict: ...
    def portfolio(
        self, *, limit: int = 50, offset: int = 0, order: str = "risk", prefix: str = ""
    ) -> dict: ...
    def model_info(self) -> dict: ...
    def summary(self, client_id: int, lang: str = "en") -> str: ...


class LocalBackend:
    """In-process backend over a loaded :class:`~scoring_core.service.ScoringService`."""

    name = "in-process"

    def __init__(self, service):
        self.service = service

    def _call(self, fn, *args, **kw):
        from scoring_core.errors import ScoringError, UnknownClientError

        try:
            return fn(*args, **kw)
        except UnknownClientError as exc:
            raise BackendError(str(exc), 404) from None
        except ScoringError as exc:
            raise BackendError(str(exc), 422) from None

    def score(self, client_id: int) -> dict:
        return self._call(self.service.score, client_id)

    def explanation(self, client_id: int, *, top: int = 10, lang: str = "en") -> dict:
        return self._call(self.service.explain, client_id, top=top, lang=lang).to_dict()

    def whatif(self, client_id: int, changes: dict, *, top: int = 10, lang: str = "en") -> dict:
        e = self._call(self.service.what_if, client_id, changes, top=top, lang=lang)
        return {"score": self.service.score_of(e), "explanation": e.to_dict()}

    def profile(self, client_id: int) -> dict:
        return self._call(self.service.profile, client_id)

    def counterfactual(self, client_id: int) -> dict:
        return self._call(self.service.counterfactual, client_id).to_dict(client_id)

    def compare(self, client_id: int, feature: str) -> dict:
        return asdict(self._call(self.service.compare, client_id, feature))

    def bivariate(self, client_id: int, x: str, y: str, *, color: str = "score") -> dict:
        return self._call(self.service.bivariate, client_id, x, y, color=color).to_dict()

    def portfolio(self, *, limit: int = 50, offset: int = 0, order: str = "risk", prefix: str = "") -> dict:
        return self._call(self.service.portfolio, limit=limit, offset=offset, order=order, prefix=prefix)

    def model_info(self) -> dict:
        return self.service.model_summary()

    def summary(self, client_id: int, lang: str = "en") -> str:
        """The client's printable decision summary (HTML)."""
        from scoring_reports.summary import render_summary

        return self._call(render_summary, self.service, client_id, lang)


class HttpBackend:
    """The scoring API over HTTP (``X-API-Key``); ``client`` may be given for tests."""

    name = "API"

    def __init__(self, url: str, key: str, *, timeout: float = 10.0, client=None):
        import httpx

        self.url = url.rstrip("/")
        self._client = client or httpx.Client(base_url=self.url, timeout=timeout)
        self._headers = {"X-API-Key": key}

    def _request(self, method: str, path: str, *, text: bool = False, **kw):
        import httpx

        try:
            r = self._client.request(method, path, headers=self._headers, **kw)
        except httpx.HTTPError as exc:
            raise BackendError(
                f"the scoring API at {self.url} is unreachable ({type(exc).__name__})"
            ) from None
        if r.status_code == 200:
            return r.text if text else r.json()
        try:
            detail = r.json().get("detail")
        except ValueError:
            detail = None
        if r.status_code == 401:
            raise BackendError("the scoring API refused the API key (check SCORING_API_KEY)", 401)
        if isinstance(detail, list):  # the API's one error schema: [{loc, msg, type}]
            detail = "; ".join(
                ": ".join(x for x in (".".join(map(str, d.get("loc", [])[1:])), str(d.get("msg", ""))) if x)
                for d in detail
                if isinstance(d, dict)
            )
        if r.status_code == 404:
            raise BackendError(detail or "unknown client", 404)
        raise BackendError(detail or f"the scoring API answered {r.status_code}", r.status_code)

    def score(self, client_id: int) -> dict:
        return self._request("GET", f"/clients/{int(client_id)}/score")

    def explanation(self, client_id: int, *, top: int = 10, lang: str = "en") -> dict:
        return self._request(
            "GET", f"/clients/{int(client_id)}/explanation", params={"top": top, "lang": lang}
        )

    def whatif(self, client_id: int, changes: dict, *, top: int = 10, lang: str = "en") -> dict:
        return self._request(
            "POST",
            f"/clients/{int(client_id)}/whatif",
            params={"top": top, "lang": lang},
            json={"changes": changes},
        )

    def profile(self, client_id: int) -> dict:
        return self._request("GET", f"/clients/{int(client_id)}")

    def counterfactual(self, client_id: int) -> dict:
        return self._request("GET", f"/clients/{int(client_id)}/counterfactual")

    def compare(self, client_id: int, feature: str) -> dict:
        return self._request("GET", f"/clients/{int(client_id)}/population/{quote(feature, safe='')}")

    def bivariate(self, client_id: int, x: str, y: str, *, color: str = "score") -> dict:
        return self._request(
            "GET", f"/clients/{int(client_id)}/bivariate", params={"x": x, "y": y, "color": color}
        )

    def portfolio(self, *, limit: int = 50, offset: int = 0, order: str = "risk", prefix: str = "") -> dict:
        return self._request(
            "GET", "/clients", params={"limit": limit, "offset": offset, "order": order, "prefix": prefix}
        )

    def model_info(self) -> dict:
        return self._request("GET", "/model")

    def summary(self, client_id: int, lang: str = "en") -> str:
        """The client's printable decision summary (``GET /clients/{id}/summary``, HTML)."""
        return self._request("GET", f"/clients/{int(client_id)}/summary", params={"lang": lang}, text=True)


def backend_from_env(local_factory=None, settings=None) -> Backend:
    """:class:`HttpBackend` when ``SCORING_API_URL`` is set (it then needs ``SCORING_API_KEY``),
    else ``local_factory()`` (an in-process backend).

    ``settings``: a :class:`~widgets.settings.DashboardSettings` (default: read now from the
    environment); a bad setting is a :class:`BackendError` naming it.
    """
    from .settings import SettingsError, load_settings

    if settings is None:
        try:
            settings = load_settings()
        except SettingsError as exc:
            raise BackendError(str(exc)) from None
    if settings.api_url:
        if not settings.key():
            raise BackendError("SCORING_API_URL is set but SCORING_API_KEY is not")
        return HttpBackend(settings.api_url, settings.key())
    if local_factory is None:
        raise BackendError("no backend: set SCORING_API_URL (and SCORING_API_KEY) or give a local service")
    return local_factory()
