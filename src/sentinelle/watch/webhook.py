"""Deliver a batch of watch alerts to a webhook: JSON POST, retries with exponential backoff.

Each batch has an ``Idempotency-Key`` header (SHA-256 of the body, the same on every retry),
so a receiver that got a request but failed to answer can drop the repeat. Retried: network
errors, timeouts, HTTP 408, 429 and 5xx; any other answer >= 400 fails at once. The payload
holds the alerts as printed on stdout (paths, kinds, risks, counts): never a raw value. The
standard library's HTTP client does the POST (no extra dependency for a daemon).
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from sentinelle import __version__
from sentinelle.errors import AlertDeliveryError, ConfigError
from sentinelle.watch.alerts import Alert

SCHEMA = "sentinelle.watch.alerts/1"
RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


def display_url(url: str) -> str:
    """The URL without user info or query string (they may hold a token)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str
    attempts: int = 5  # in all, the first one included
    backoff: float = 1.0  # seconds before the first retry; doubled each time
    max_backoff: float = 60.0
    timeout: float = 10.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def __post_init__(self) -> None:
        if urlsplit(self.url).scheme not in ("http", "https") or not urlsplit(self.url).hostname:
            raise ConfigError(f"--webhook: {display_url(self.url)!r} is not an http(s) URL")
        if self.attempts < 1:
            raise ConfigError("--webhook: at least one attempt")

    @staticmethod
    def body(alerts: Sequence[Alert], scan_id: int) -> bytes:
        payload = {"schema": SCHEMA, "tool": {"name": "sentinelle", "version": __version__},
                   "scan_id": scan_id, "count": len(alerts),
                   "alerts": [a.to_dict() for a in alerts]}
        return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")

    def send(self, alerts: Sequence[Alert], scan_id: int) -> str:
        """POST the batch; return its idempotency key. Raises AlertDeliveryError at the end."""
        data = self.body(alerts, scan_id)
        key = hashlib.sha256(data).hexdigest()
        delay = self.backoff
        last = ""
        for attempt in range(1, self.attempts + 1):
            request = urllib.request.Request(self.url, data=data, method="POST", headers={
                "Content-Type": "application/json; charset=utf-8",
                "Idempotency-Key": key,
                "User-Agent": f"sentinelle/{__version__}",
                "X-Sentinelle-Attempt": str(attempt),
            })
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    response.read()
                return key
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code}"
                exc.close()
                if exc.code not in RETRY_STATUS:
                    break
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                last = getattr(reason, "strerror", None) or type(reason).__name__
            if attempt < self.attempts:
                self.sleep(min(delay, self.max_backoff))
                delay *= 2
        raise AlertDeliveryError(f"webhook {display_url(self.url)}: {len(alerts)} alert(s) not "
                                 f"delivered after {attempt} attempt(s) ({last})")


__all__ = ["RETRY_STATUS", "SCHEMA", "Webhook", "display_url"]
