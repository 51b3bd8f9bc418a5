"""``/docs`` without internet: Swagger UI's assets come from the ``swagger-ui-bundle`` package.

FastAPI's default page loads Swagger UI from a CDN, so it is blank offline; here the page and
every asset it references are served by the API itself (``/docs-assets/...``).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from .guard import DOCS_ASSETS

__all__ = ["install_docs"]


def install_docs(app: FastAPI) -> None:
    """Add ``/docs`` (Swagger UI, local assets) and ``/docs-assets``; ``app`` must have been
    created with ``docs_url=None, redoc_url=None``."""
    from swagger_ui_bundle import swagger_ui_path

    app.mount(DOCS_ASSETS.rstrip("/"), StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - docs",
            oauth2_redirect_url="/docs/oauth2-redirect",
            swagger_js_url=f"{DOCS_ASSETS}swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}favicon-32x32.png",
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
