"""Security layer of the dashboard: headers on every response, a token gate, a Host check.

Both are plain ASGI middlewares (no per-request task or buffering), so they wrap everything
the app answers: pages, the JSON API, static files, ``/openapi.json`` and ``/docs``.

- :class:`SecurityHeaders` adds a strict Content-Security-Policy (no script at all, styles
  and images from the app itself only), ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: no-referrer``, ``X-Frame-Options: DENY`` and ``Cache-Control: no-store``.
- :class:`TokenGate` answers 401 unless the request carries the token, either as
  ``Authorization: Bearer <token>`` or as the session cookie a browser gets by opening
  ``/?token=<token>`` once (the cookie holds an HMAC of the token, not the token). All
  comparisons are constant time (:func:`hmac.compare_digest`).
- When no token is set the server is loopback-only, and :class:`TokenGate` also refuses any
  ``Host`` header that is not a loopback name: a web page cannot reach the dashboard through
  DNS rebinding (a hostile name resolving to 127.0.0.1).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The dashboard's policy: no script, nothing from elsewhere, no framing, forms to itself.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")

#: Policy for assessment reports served from their directory: they are self-contained files
#: with an inline stylesheet, so inline styles are allowed, but the document is sandboxed (no
#: script, no form, unique origin) and still loads nothing from anywhere.
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
              "frame-ancestors 'none'; base-uri 'none'; sandbox")

COOKIE = "sentinelle_session"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
MIN_TOKEN_LENGTH = 16

_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]
_HEADER_NAMES = frozenset(name for name, _ in _HEADERS)


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1); False otherwise.

    Other host names count as non-loopback: a name can resolve anywhere.
    """
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def cookie_value(token: str) -> str:
    """What the session cookie holds: an HMAC of the token, so the cookie is not the token."""
    return hmac.new(token.encode(), b"sentinelle.serve/session/1", hashlib.sha256).hexdigest()


class SecurityHeaders:
    """Add the security headers to every HTTP response (unless a route set its own CSP)."""

    def __init__(self, app: ASGIApp, csp: str = CSP) -> None:
        self.app = app
        self.csp = csp.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in _HEADER_NAMES]
                if not any(k.lower() == b"content-security-policy" for k, _ in headers):
                    headers.append((b"content-security-policy", self.csp))
                headers.extend(_HEADERS)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _cookie(scope: Scope, name: str) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _host_name(host_header: str) -> str:
    host = host_header.strip().lower()
    if host.startswith("["):  # [::1]:8750
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


async def _respond(send: Send, status: int, body: dict[str, str], headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
    payload = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode()), *headers]})
    await send({"type": "http.response.body", "body": payload})


class TokenGate:
    """401 unless the request carries the token; loopback Host names only when there is none."""

    def __init__(self, app: ASGIApp, token: str | None, allowed_hosts: Iterable[str] | None) -> None:
        self.app = app
        self.token = token.encode() if token else None
        self.cookie = cookie_value(token).encode() if token else None
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts) if allowed_hosts else None

    def _authorised(self, scope: Scope) -> bool:
        assert self.token is not None and self.cookie is not None
        auth = _header(scope, b"authorization")
        if auth:
            scheme, _, credentials = auth.partition(" ")
            if scheme.lower() == "bearer" and hmac.compare_digest(
                    credentials.strip().encode("latin-1"), self.token):
                return True
        cookie = _cookie(scope, COOKIE)
        return cookie is not None and hmac.compare_digest(cookie.encode("latin-1"), self.cookie)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        allowed = self.allowed_hosts is None or \
            _host_name(_header(scope, b"host") or "") in self.allowed_hosts
        if allowed and (self.token is None or self._authorised(scope)):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":  # no websocket route; refuse before the app sees it
            await send({"type": "websocket.close", "code": 1008})
            return
        if not allowed:
            await _respond(send, 400, {"detail": "this server only answers to loopback host names"})
            return
        # A browser opens /?token=... once: check it, set the cookie, drop it from the URL.
        assert self.token is not None and self.cookie is not None
        query = scope.get("query_string", b"").decode("latin-1")
        pairs = parse_qsl(query, keep_blank_values=True)
        given = [v for k, v in pairs if k == "token"]
        if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD") and given and \
                hmac.compare_digest(given[0].encode("utf-8", "surrogateescape"), self.token):
            rest = urlencode([(k, v) for k, v in pairs if k != "token"])
            # the same path, never "//host/..." (which a browser would read as another site)
            path = "/" + (scope.get("root_path", "") + scope["path"]).lstrip("/")
            location = path + (f"?{rest}" if rest else "")
            secure = "; Secure" if scope.get("scheme") == "https" else ""
            cookie = (f"{COOKIE}={self.cookie.decode()}; Path=/; HttpOnly; SameSite=Strict{secure}")
            await _respond(send, 303, {"detail": "signed in"},
                           [(b"location", location.encode("utf-8", "surrogateescape")),
                            (b"set-cookie", cookie.encode())])
            return
        await _respond(send, 401, {"detail": "a token is required: send 'Authorization: Bearer "
                                             "<token>' or open /?token=<token> once"},
                       [(b"www-authenticate", b'Bearer realm="sentinelle"')])


__all__ = ["COOKIE", "CSP", "LOOPBACK_NAMES", "MIN_TOKEN_LENGTH", "REPORT_CSP", "SecurityHeaders",
           "TokenGate", "cookie_value", "is_loopback"]
