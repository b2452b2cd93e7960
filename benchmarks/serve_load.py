"""Load test of ``sentinelle serve``: 200 concurrent clients on the file list of 100,000 files.

Builds (once, cached in ``bench-data/``) an SQLite inventory of ``--files`` synthetic file
reports through the store's bulk write API (``sentinelle.inventory.sample.populate``), starts
the real ``sentinelle serve`` in a child process on a free loopback port, then runs
``--clients`` concurrent HTTP clients (httpx.AsyncClient, one connection each) against the
HTML list page ``/files`` and the JSON ``/api/files``, each request with randomly varied
filters (risk, min_risk, entity, path search, sort, order, page). Bounded in count
(``--requests`` per scenario) and in time (``--duration`` seconds per scenario).

Load shapes:

- ``serial``: one client, no think time: the service time of a request without queueing
  (``--requests`` / 10 requests);
- ``paced``: each client waits a think time between requests (exponential, mean ``--think``
  seconds), like people browsing a dashboard;
- ``flood``: no think time (closed loop): the server's capacity; latency is then mostly
  queueing (latency ~ clients / throughput).

Prints one table row per (shape, endpoint): requests, errors, throughput, p50/p95/p99.

    python benchmarks/serve_load.py [--files 100000] [--clients 200] [--requests 4000]
                                    [--duration 60] [--think 2.0] [--shapes paced,flood]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench-data"
RISKS = ["none", "low", "medium", "high", "critical"]
ENTITIES = ["NIR", "PHONE", "EMAIL", "PERSON_NAME", "DATE_OF_BIRTH", "BLOOD_GROUP", "ADDRESS",
            "IBAN"]
SORTS = ["path", "risk", "score", "size", "mtime", "last_seen"]
SEARCHES = ["lab07", "lab21/", "batch012", "export_0421", ".csv", ".hprim", "synthetic"]


def build_inventory(files: int) -> Path:
    from sentinelle.inventory import Inventory
    from sentinelle.inventory.sample import populate

    path = CACHE / f"inventory_{files}.sqlite"
    if path.exists():
        with Inventory(path) as inv:
            if inv.overview().files == files:
                return path
        path.unlink()
    CACHE.mkdir(exist_ok=True)
    t0 = time.perf_counter()
    with Inventory(path) as inv:
        populate(inv, files)
    print(f"built {path.name}: {files:,} files in {time.perf_counter() - t0:.1f} s")
    return path


def random_params(rng: random.Random, total: int) -> dict[str, str]:
    """A varied file-list query: some filters, a sort, sometimes a later page."""
    p: dict[str, str] = {}
    roll = rng.random()
    if roll < 0.25:
        p["risk"] = rng.choice(RISKS)
    elif roll < 0.45:
        p["min_risk"] = rng.choice(RISKS[1:])
    if rng.random() < 0.25:
        p["entity"] = rng.choice(ENTITIES)
    if rng.random() < 0.2:
        p["q"] = rng.choice(SEARCHES)
    p["sort"] = rng.choice(SORTS)
    p["order"] = rng.choice(["asc", "desc"])
    p["limit"] = rng.choice(["20", "50", "50", "100"])
    if rng.random() < 0.3:
        p["offset"] = str(rng.randrange(0, min(total, 5000), 50))
    return p


async def client_loop(client: httpx.AsyncClient, path: str, seed: str, think: float,
                      deadline: float, budget: list[int], out: list[tuple[float, str]],
                      total: int) -> None:
    """One client: a request at a time (its own connection from the shared pool).

    Records (latency, outcome): outcome "ok", an HTTP status, or an exception name.
    """
    rng = random.Random(seed)

    async def pause(seconds: float) -> None:  # never past the deadline
        await asyncio.sleep(max(0.0, min(seconds, deadline - time.monotonic())))

    if think:
        await pause(rng.random() * think)  # clients do not arrive in lockstep
    while budget[0] > 0 and time.monotonic() < deadline:
        budget[0] -= 1
        params = random_params(rng, total)
        t0 = time.perf_counter()
        try:
            response = await client.get(path, params=params)
            outcome = "ok" if response.status_code == 200 and response.content else \
                str(response.status_code)
        except httpx.HTTPError as exc:
            outcome = type(exc).__name__
        out.append((time.perf_counter() - t0, outcome))
        if think:
            await pause(rng.expovariate(1 / think))


async def scenario(base: str, path: str, clients: int, requests: int, duration: float,
                   think: float, total: int, name: str) -> dict[str, Any]:
    out: list[tuple[float, str]] = []
    budget = [requests]
    # One pool of `clients` connections (one AsyncClient each would build 200 TLS contexts,
    # seconds of CPU that would block the event loop and count as latency).
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30.0) as client:
        t0 = time.monotonic()
        deadline = t0 + duration
        # every (scenario, endpoint, client) draws its own queries: a later scenario does not
        # replay an earlier one's (the server caches answers until the inventory changes)
        await asyncio.gather(*(client_loop(client, path, f"{name}{path}#{i}", think, deadline,
                                           budget, out, total) for i in range(clients)))
        elapsed = time.monotonic() - t0
    lat = sorted(x for x, _ in out) or [float("nan")]
    q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) > 1 else lat * 99
    kinds: dict[str, int] = {}
    for _, outcome in out:
        if outcome != "ok":
            kinds[outcome] = kinds.get(outcome, 0) + 1
    return {"requests": len(out), "errors": sum(kinds.values()), "kinds": kinds,
            "rps": len(out) / elapsed, "p50": q[49] * 1000, "p95": q[94] * 1000,
            "p99": q[98] * 1000, "max": lat[-1] * 1000 if lat else 0.0, "seconds": elapsed}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "SENTINELLE_TOKEN"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from sentinelle.cli import main; main()", "serve",
         "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/scans?limit=1", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("server did not start within 60 s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--requests", type=int, default=4000, help="per scenario")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per scenario, cap")
    parser.add_argument("--think", type=float, default=2.0, help="mean think time (paced shape)")
    parser.add_argument("--shapes", default="serial,paced,flood")
    args = parser.parse_args(argv)

    db = build_inventory(args.files)
    port = free_port()
    server = start_server(db, port)
    base = f"http://127.0.0.1:{port}"
    rows = []
    load_before = os.getloadavg()[0]
    try:
        httpx.get(base + "/files", timeout=30)  # warm up (templates, SQLite page cache)
        for shape in args.shapes.split(","):
            think = args.think if shape == "paced" else 0.0
            clients = 1 if shape == "serial" else args.clients
            requests = max(1, args.requests // 10) if shape == "serial" else args.requests
            for path in ("/files", "/api/files"):
                r = asyncio.run(scenario(base, path, clients, requests,
                                         args.duration, think, args.files, shape))
                rows.append((shape, path, r))
                print(f"  {shape:5} {path:10} done: {r['requests']} requests in "
                      f"{r['seconds']:.1f} s", flush=True)
    finally:
        server.terminate()
        server.wait(10)

    print(f"\nsentinelle serve, SQLite inventory of {args.files:,} files, {args.clients} "
          f"concurrent clients, varied filters, {os.cpu_count()} CPUs, load average "
          f"{load_before:.1f} before / {os.getloadavg()[0]:.1f} after")
    header = (f"{'shape':6} {'endpoint':11} {'requests':>8} {'errors':>6} {'req/s':>7} "
              f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}")
    print(header)
    print("-" * len(header))
    for shape, path, r in rows:
        print(f"{shape:6} {path:11} {r['requests']:8d} {r['errors']:6d} {r['rps']:7.1f} "
              f"{r['p50']:7.1f} {r['p95']:7.1f} {r['p99']:7.1f} {r['max']:7.1f}"
              + (f"  errors: {r['kinds']}" if r["kinds"] else ""))
    if "paced" in args.shapes:
        print(f"(paced: think time exponential, mean {args.think:g} s; target p99 < 200 ms)")
    return 1 if any(r["errors"] for _, _, r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
