"""Webhook delivery: retries with backoff, one idempotency key per batch, no raw value."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

import pytest

from sentinelle.errors import AlertDeliveryError, ConfigError
from sentinelle.inventory import Inventory
from sentinelle.watch import Webhook, alerts_for, watch_once
from sentinelle.watch.alerts import Alert


class Receiver:
    """A loopback HTTP receiver answering the scripted statuses, then 200."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.requests: list[tuple[str, dict, bytes]] = []  # (key, headers, body)
        self.delivered: dict[str, bytes] = {}  # accepted batches, by idempotency key
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                key = self.headers["Idempotency-Key"]
                receiver.requests.append((key, dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                if status == 200:
                    receiver.delivered.setdefault(key, body)  # a repeat is dropped
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/sentinelle"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_fails_twice_then_delivers_once(tree, inventory_url, raw_values):
    with Inventory(inventory_url) as inv:
        result = watch_once(inv, [tree])
        alerts = alerts_for(inv, result.events)
    assert len(alerts) == 1
    waits: list[float] = []
    with Receiver([500, 500]) as rx:
        key = Webhook(rx.url, backoff=0.5, sleep=waits.append).send(alerts, result.scan.id)
    assert len(rx.requests) == 3
    assert {k for k, _, _ in rx.requests} == {key}  # same key on every attempt
    assert [h["X-Sentinelle-Attempt"] for _, h, _ in rx.requests] == ["1", "2", "3"]
    assert waits == [0.5, 1.0]  # exponential backoff
    assert list(rx.delivered) == [key]  # arrived once
    payload = json.loads(rx.delivered[key])
    assert payload["schema"] == "sentinelle.watch.alerts/1" and payload["count"] == 1
    sent = payload["alerts"][0]
    assert (sent["kind"], sent["path"], sent["risk"]) == (
        "new_exposure", str(tree / "export_labo.csv"), "critical")
    assert sent["entities"]["PERSON_NAME"] > 0
    body = b"".join(b for _, _, b in rx.requests).decode("utf-8")
    assert [v for v in raw_values if v in body] == []


def _alert() -> Alert:
    return Alert(kind="new_exposure", path="/srv/x.csv", risk="high", previous_risk=None,
                 scan_id=1, at="2026-01-01T00:00:00+00:00", entities={"NIR": 3})


def test_gives_up_after_all_attempts():
    waits: list[float] = []
    with Receiver([503] * 10) as rx:
        hook = Webhook(rx.url + "?token=s3cret", attempts=4, backoff=1, max_backoff=3,
                       sleep=waits.append)
        with pytest.raises(AlertDeliveryError, match="after 4 attempt") as info:
            hook.send([_alert()], 1)
    assert len(rx.requests) == 4 and waits == [1, 2, 3]
    assert "s3cret" not in str(info.value) and "HTTP 503" in str(info.value)


def test_client_error_is_not_retried():
    with Receiver([400]) as rx, pytest.raises(AlertDeliveryError, match="HTTP 400"):
        Webhook(rx.url, sleep=lambda s: None).send([_alert()], 1)
    assert len(rx.requests) == 1


def test_connection_refused_is_retried():
    with Receiver([]) as rx:
        url = rx.url
    waits: list[float] = []
    with pytest.raises(AlertDeliveryError, match="after 3 attempt"):
        Webhook(url, attempts=3, sleep=waits.append, timeout=2).send([_alert()], 1)
    assert len(waits) == 2


@pytest.mark.parametrize("url", ["ftp://example.org/x", "not a url", "http:///nohost"])
def test_rejects_non_http_urls(url):
    with pytest.raises(ConfigError):
        Webhook(url)
