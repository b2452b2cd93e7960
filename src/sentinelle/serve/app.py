"""``create_app``: the dashboard as an ASGI app over an inventory (a thin layer, no logic)."""

from __future__ import annotations

from collections.abc import Iterable
from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from sentinelle import __version__
from sentinelle.errors import ConfigError, SentinelleError
from sentinelle.serve import api, pages
from sentinelle.serve.cache import ReadCache
from sentinelle.serve.render import make_environment
from sentinelle.serve.security import (
    LOOPBACK_NAMES,
    MIN_TOKEN_LENGTH,
    SecurityHeaders,
    TokenGate,
    is_loopback,
)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8750


def check_binding(host: str, token: str | None) -> None:
    """Refuse a non-loopback binding without a token, and a token too short to resist guessing."""
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        raise ConfigError(f"the token must be at least {MIN_TOKEN_LENGTH} characters long "
                          "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    if not is_loopback(host) and not token:
        raise ConfigError(f"refusing to serve on {host!r} without a token: the dashboard lists "
                          "where patient data lies. Pass --token (or set SENTINELLE_TOKEN), "
                          "or bind to 127.0.0.1")


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/openapi.json")) and \
        request.url.path != "/api"


def _error_text(exc: Exception) -> str:
    if isinstance(exc, RequestValidationError):
        parts = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path"))
            parts.append(f"{where}: {err.get('msg', 'invalid')}")
        return "; ".join(parts) or "invalid request"
    return str(getattr(exc, "detail", "")) or "error"


async def _http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 422)
    if isinstance(exc, RequestValidationError):
        status = 422
    headers = getattr(exc, "headers", None)
    if _wants_html(request):
        return pages.render(request, "error.html", status_code=status, status=status,
                            message=_error_text(exc), nav="")
    if isinstance(exc, RequestValidationError):
        return JSONResponse({"detail": jsonable_errors(exc)}, status_code=422)
    return JSONResponse({"detail": _error_text(exc)}, status_code=status, headers=headers)


async def _inventory_error(request: Request, exc: Exception) -> Response:
    """The database is unreachable or locked: 503, with the store's message (no value in it)."""
    message = f"the inventory is unavailable: {exc}"
    if _wants_html(request):
        return pages.render(request, "error.html", status_code=503, status=503, message=message,
                            nav="")
    return JSONResponse({"detail": message}, status_code=503, headers={"retry-after": "5"})


def jsonable_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Drop the offending input and pydantic's context objects: the message and location suffice.
    return [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()]


def create_app(inventory: Any, token: str | None = None, *, host: str = DEFAULT_HOST,
               allowed_hosts: Iterable[str] | None = None, cache_seconds: float = 1.0) -> FastAPI:
    """The dashboard over ``inventory`` (a :class:`sentinelle.inventory.store.Inventory`).

    ``host`` is where the server will listen: a non-loopback host needs ``token``
    (:class:`ConfigError` otherwise). With a token every request must carry it; without one,
    only loopback ``Host`` names are answered (``allowed_hosts`` overrides that list).
    The overview, the file-list totals and whole file-list answers are kept until the
    inventory records a new scan,
    which is checked at most every ``cache_seconds`` (:class:`ReadCache`).
    """
    token = token or None
    check_binding(host, token)
    app = FastAPI(title="Sentinelle dashboard", version=__version__,
                  description="Inventory of patient-data exposures found by `sentinelle watch`. "
                              "Counts, masked previews and paths; never a raw value.",
                  docs_url=None, redoc_url=None, swagger_ui_oauth2_redirect_url=None)
    app.state.inventory = inventory
    app.state.templates = make_environment()
    app.state.cache = ReadCache(inventory, recheck=cache_seconds)
    # file-list totals per filter (small) and whole file-list answers (bytes), both until
    # the next scan: the list changes only when a scan is recorded
    app.state.counts = ReadCache(inventory, size=20_000, recheck=cache_seconds)
    app.state.responses = ReadCache(inventory, size=2_000, recheck=cache_seconds)
    app.include_router(api.router)
    app.include_router(pages.router)
    static = files("sentinelle.serve") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _http_error)
    app.add_exception_handler(SentinelleError, _inventory_error)
    if allowed_hosts is None and token is None:
        allowed_hosts = LOOPBACK_NAMES
    # Order: headers outermost, so even a 401 from the gate carries them.
    app.add_middleware(TokenGate, token=token, allowed_hosts=allowed_hosts)
    app.add_middleware(SecurityHeaders)
    return app


__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "check_binding", "create_app"]
