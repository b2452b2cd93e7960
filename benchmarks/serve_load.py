"""Load test of ``sentinelle serve``: 200 concurrent clients on the file list of 100,000 files.

Builds (once, cached in ``bench-data/``) an SQLite inventory of ``--files`` synthetic file
reports through the store's bulk write API (``sentinelle.inventory.sample.populate``), starts
the real ``sentinelle serve`` in a child process on a free loopback port, then runs
``--clients`` concurrent HTTP clients (one aiohttp session, one connection each) against the
HTML list page ``/files`` and the JSON ``/api/files``, each request with randomly varied
filters (risk, min_risk, entity, path search, sort, order, page). Bounded in count
(``--requests`` per scenario) and in time (``--duration`` seconds per scenario).

Load shapes:

- ``serial``: one client, no think time: the service time of a request without queueing
  (``--requests`` / 10 requests);
- ``paced``: each client sends a request, waits a think time drawn uniformly in ``--think``
  (default 0.5-2 s), and repeats, like people browsing a dashboard;
- ``flood``: no think time (closed loop): the server's capacity; latency is then mostly
  queueing (latency ~ clients / throughput).

Prints one table row per (shape, endpoint): requests, errors, throughput, p50/p95/p99.

    python benchmarks/serve_load.py [--files 100000] [--clients 200] [--requests 4000]
                                    [--duration 60] [--think 0.5,2.0] [--shapes paced,flood]
                                    [--workers 1]
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
from urllib.parse import urlencode

import aiohttp
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
    """A file-list query as people browse a dashboard.

    Mostly first pages (85 %), with the default sort (risk, descending) half the time; a risk
    level or a minimum risk on 45 %, an entity on 25 %, a path search on 15 % (short and
    long needles, some matching almost everything, some one file), later pages on 15 % (pages
    2-5 mostly, 3 % deep pages up to offset 5,000).
    """
    p: dict[str, str] = {}
    roll = rng.random()
    if roll < 0.25:
        p["risk"] = rng.choice(RISKS)
    elif roll < 0.45:
        p["min_risk"] = rng.choice(RISKS[1:])
    if rng.random() < 0.25:
        p["entity"] = rng.choice(ENTITIES)
    if rng.random() < 0.15:
        p["q"] = rng.choice(SEARCHES)
    if rng.random() < 0.5:
        p["sort"] = rng.choice(SORTS)
        p["order"] = rng.choice(["asc", "desc"])
    p["limit"] = rng.choice(["50", "50", "50", "20", "100"])
    page = rng.random()
    if page < 0.03:
        p["offset"] = str(rng.randrange(0, min(total, 5000), 50))
    elif page < 0.15:
        p["offset"] = str(int(p["limit"]) * rng.randint(1, 4))
    return p


Think = tuple[float, float] | None


async def client_loop(client: aiohttp.ClientSession, path: str, seed: str, think: Think,
                      deadline: float, budget: list[int], out: list[tuple[float, str, str]],
                      total: int) -> None:
    """One client: a request, then a think time (uniform in ``think``), and again.

    Records (latency, outcome, query): outcome "ok", an HTTP status, or an exception name.
    """
    rng = random.Random(seed)

    async def pause(seconds: float) -> None:  # never past the deadline
        await asyncio.sleep(max(0.0, min(seconds, deadline - time.monotonic())))

    if think:
        await pause(rng.uniform(0.0, think[1]))  # clients do not arrive in lockstep
    while budget[0] > 0 and time.monotonic() < deadline:
        budget[0] -= 1
        params = random_params(rng, total)
        t0 = time.perf_counter()
        try:
            async with client.get(path, params=params) as response:
                body = await response.read()
            outcome = "ok" if response.status == 200 and body else str(response.status)
        except (TimeoutError, aiohttp.ClientError) as exc:
            outcome = type(exc).__name__
        out.append((time.perf_counter() - t0, outcome, urlencode(sorted(params.items()))))
        if think:
            await pause(rng.uniform(*think))


async def scenario(base: str, path: str, clients: int, requests: int, duration: float,
                   think: Think, total: int, name: str, seen: set[str]) -> dict[str, Any]:
    out: list[tuple[float, str, str]] = []
    budget = [requests]
    # One pool of `clients` connections. aiohttp rather than httpx: the clients share the
    # server's 2 CPUs, and aiohttp spends several times less CPU per request.
    connector = aiohttp.TCPConnector(limit=clients, keepalive_timeout=30)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(base_url=base, connector=connector,
                                     timeout=timeout) as client:
        t0 = time.monotonic()
        deadline = t0 + duration
        # every (scenario, endpoint, client) draws its own queries: a later scenario does not
        # replay an earlier one's (the server caches answers until the inventory changes)
        await asyncio.gather(*(client_loop(client, path, f"{name}{path}#{i}", think, deadline,
                                           budget, out, total) for i in range(clients)))
        elapsed = time.monotonic() - t0
    lat = sorted(x for x, _, _ in out) or [float("nan")]
    q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) > 1 else lat * 99
    kinds: dict[str, int] = {}
    repeats = 0
    for _, outcome, query in out:  # in completion order: close to the server's order
        if outcome != "ok":
            kinds[outcome] = kinds.get(outcome, 0) + 1
        repeats += query in seen
        seen.add(query)
    return {"requests": len(out), "errors": sum(kinds.values()), "kinds": kinds,
            "rps": len(out) / elapsed, "p50": q[49] * 1000, "p95": q[94] * 1000,
            "p99": q[98] * 1000, "max": lat[-1] * 1000 if lat else 0.0, "seconds": elapsed,
            "repeat": repeats / max(1, len(out))}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "SENTINELLE_TOKEN"}
    extra = ["--workers", str(workers)] if workers != 1 else []
    proc = subprocess.Popen(
        [sys.executable, "-c", "from sentinelle.cli import main; main()", "serve",
         "--db", str(db), "--host", "127.0.0.1", "--port", str(port), *extra],
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
    parser.add_argument("--think", default="0.5,2.0",
                        help="think time range in seconds, uniform (paced shape)")
    parser.add_argument("--shapes", default="serial,paced,flood")
    parser.add_argument("--workers", type=int, default=1, help="serve --workers")
    args = parser.parse_args(argv)
    lo, hi = (float(x) for x in args.think.split(","))

    db = build_inventory(args.files)
    port = free_port()
    server = start_server(db, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    rows = []
    seen: dict[str, set[str]] = {"/files": set(), "/api/files": set()}
    load_before = os.getloadavg()[0]
    try:
        httpx.get(base + "/files", timeout=30)  # warm up (templates, SQLite page cache)
        for shape in args.shapes.split(","):
            think = (lo, hi) if shape == "paced" else None
            clients = 1 if shape == "serial" else args.clients
            requests = max(1, args.requests // 10) if shape == "serial" else args.requests
            for path in ("/files", "/api/files"):
                r = asyncio.run(scenario(base, path, clients, requests, args.duration, think,
                                         args.files, shape, seen[path]))
                rows.append((shape, path, r))
                print(f"  {shape:5} {path:10} done: {r['requests']} requests in "
                      f"{r['seconds']:.1f} s", flush=True)
    finally:
        server.terminate()
        server.wait(10)

    print(f"\nsentinelle serve (--workers {args.workers}), SQLite inventory of {args.files:,} "
          f"files, {args.clients} concurrent clients, varied filters, {os.cpu_count()} CPUs, "
          f"load average {load_before:.1f} before / {os.getloadavg()[0]:.1f} after")
    header = (f"{'shape':6} {'endpoint':11} {'requests':>8} {'errors':>6} {'req/s':>7} "
              f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} {'repeat':>6}")
    print(header)
    print("-" * len(header))
    for shape, path, r in rows:
        print(f"{shape:6} {path:11} {r['requests']:8d} {r['errors']:6d} {r['rps']:7.1f} "
              f"{r['p50']:7.1f} {r['p95']:7.1f} {r['p99']:7.1f} {r['max']:7.1f} "
              f"{r['repeat']:6.0%}" + (f"  errors: {r['kinds']}" if r["kinds"] else ""))
    print("repeat: share of requests whose query was already asked on that endpoint since the "
          "server started (an upper bound on its answer-cache hits)")
    if "paced" in args.shapes:
        print(f"(paced: each client sends a request, waits {lo:g}-{hi:g} s (uniform), repeats; "
              "target p99 < 200 ms)")
    return 1 if any(r["errors"] for _, _, r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
