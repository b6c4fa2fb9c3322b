"""Web map speed on a store: first drawn frame in headless Chromium, and API latency.

    python benchmarks/bench_web.py [--db /tmp/corpus.db] [--runs 5] [--rounds 20]

The store is copied first (the app only reads, but the given file stays untouched) and
served on 127.0.0.1 with the caches warmed, as `alliancemap serve` does before listening.

- First drawn frame: the time from navigation start to sigma's first `afterRender` with
  organizations on screen (`window.__firstFrame`, set by the page), in Debian's Chromium,
  headless, WebGL on SwiftShader (software: no GPU here). "cold" is a fresh browser each
  run; "warm" a second navigation in the same browser (its HTTP and code caches filled).
- API latency: a fixed set of requests (the map at several dates and sizes, profiles of the
  best-connected organizations, their heaviest edges, searches, rankings), each sent
  `--rounds` times over one keep-alive connection accepting gzip, timed end to end (with
  the body read). The first round includes cache misses; both all rounds and the cached
  ones are reported.

Writes benchmarks/results/web.json and web.md. Goals: first frame under 2 s, API median
under 50 ms.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from alliancemap.web.app import bundle_built, create_app, warm
from alliancemap.web.browser import CHROMIUM, CHROMIUM_ARGS
from alliancemap.web.server import BackgroundServer

RESULTS = Path(__file__).resolve().parent / "results"
VIEWPORT = {"width": 1400, "height": 850}
SEARCHES = ("micro", "open", "nvid", "anthropic", "goo")
GOAL_FRAME_MS = 2000
GOAL_API_MS = 50


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100), linear between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "median": round(statistics.median(values), 2),
        "p95": round(percentile(values, 95), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
    }


def first_frames(url: str, runs: int) -> dict[str, list[float]]:
    """Milliseconds from navigation to the first drawn frame, cold and warm browsers."""
    from playwright.sync_api import sync_playwright

    cold: list[float] = []
    warm_: list[float] = []
    with sync_playwright() as p:
        for _ in range(runs):
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for bucket in (cold, warm_):
                    page = browser.new_page(viewport=VIEWPORT)
                    page.goto(url)
                    deadline = time.monotonic() + 60
                    value = None
                    while value is None and time.monotonic() < deadline:
                        value = page.evaluate("window.__firstFrame")
                        if value is None:
                            time.sleep(0.02)
                    if value is None:
                        raise RuntimeError("the map drew no frame within 60 s")
                    bucket.append(float(value))
                    page.close()
            finally:
                browser.close()
    return {"cold": cold, "warm": warm_}


def request_set(client: httpx.Client) -> list[tuple[str, str, dict[str, Any]]]:
    """The fixed requests: (endpoint, path, params)."""
    meta = client.get("/api/meta").json()
    years = meta["years"]
    graph = client.get("/api/graph").json()
    top = sorted(graph["nodes"], key=lambda n: (-n["partners"], n["id"]))[:5]
    heavy = sorted(graph["edges"], key=lambda e: (-e["n_claims"], e["source"]))[:5]
    picks = [years[len(years) // 4], years[len(years) // 2], years[-1]] if years else []
    out: list[tuple[str, str, dict[str, Any]]] = [("graph", "/api/graph", {})]
    out += [("graph", "/api/graph", {"as_of": str(y)}) for y in picks]
    out += [("graph", "/api/graph", {"size_by": "pagerank"})]
    out += [("profile", "/api/org", {"name": n["id"]}) for n in top]
    out += [
        ("edge", "/api/edge", {"source": e["source"], "target": e["target"], "type": e["type"]})
        for e in heavy
    ]
    out += [("search", "/api/search", {"q": q}) for q in SEARCHES]
    out += [("ranks", "/api/measures/ranks", {"by": by}) for by in ("pagerank", "betweenness")]
    return out


def api_latency(url: str, rounds: int) -> dict[str, Any]:
    """Per request kind: every timing (ms) and those after the first round (cached)."""
    timings: dict[str, list[float]] = {}
    cached: dict[str, list[float]] = {}
    with httpx.Client(base_url=url, timeout=60, headers={"Accept-Encoding": "gzip"}) as client:
        requests = request_set(client)
        for r in range(rounds):
            for kind, path, params in requests:
                started = time.perf_counter()
                response = client.get(path, params=params)
                _ = response.content
                ms = (time.perf_counter() - started) * 1000
                response.raise_for_status()
                timings.setdefault(kind, []).append(ms)
                if r:
                    cached.setdefault(kind, []).append(ms)
    every = [t for ts in timings.values() for t in ts]
    warm_ = [t for ts in cached.values() for t in ts]
    return {
        "requests": len(requests),
        "rounds": rounds,
        "all": summary(every),
        "cached": summary(warm_) if warm_ else None,
        "by_endpoint": {k: summary(v) for k, v in timings.items()},
    }


def markdown(result: dict[str, Any]) -> str:
    f, a = result["first_frame_ms"], result["api_ms"]
    lines = [
        "# Web map speed",
        "",
        f"Store: {result['store']} ({result['organizations']:,} organizations, "
        f"{result['edges']:,} edges on the map). Machine: {result['machine']}. "
        f"Chromium headless, WebGL on SwiftShader (software rendering).",
        "",
        f"Server start (load claims, layout, measures, default map): {result['startup_s']:.1f} s.",
        "",
        "## Navigation to the first drawn frame (ms)",
        "",
        "| browser | runs | median | p95 | min | max |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for k in ("cold", "warm"):
        s = f[k]
        lines.append(
            f"| {k} | {s['n']} | {s['median']:.0f} | {s['p95']:.0f} | {s['min']:.0f} | {s['max']:.0f} |"
        )
    lines += [
        "",
        f"Goal: under {GOAL_FRAME_MS} ms. Cold median "
        f"{'meets' if f['cold']['median'] < GOAL_FRAME_MS else 'misses'} it.",
        "",
        f"## API latency (ms): {a['requests']} requests x {a['rounds']} rounds",
        "",
        "| requests | n | median | p95 | max |",
        "| --- | --- | --- | --- | --- |",
        f"| all | {a['all']['n']} | {a['all']['median']:.1f} | {a['all']['p95']:.1f} | {a['all']['max']:.1f} |",
    ]
    if a["cached"]:
        c = a["cached"]
        lines.append(
            f"| after round 1 (cached) | {c['n']} | {c['median']:.1f} | {c['p95']:.1f} | {c['max']:.1f} |"
        )
    for k, s in a["by_endpoint"].items():
        lines.append(f"| {k} | {s['n']} | {s['median']:.1f} | {s['p95']:.1f} | {s['max']:.1f} |")
    lines += [
        "",
        f"Goal: under {GOAL_API_MS} ms. Median {a['all']['median']:.1f} ms, p95 "
        f"{a['all']['p95']:.1f} ms over all rounds.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/corpus.db", help="Store to serve (copied first).")
    parser.add_argument("--runs", type=int, default=5, help="Cold browser runs.")
    parser.add_argument("--rounds", type=int, default=20, help="Rounds of the API requests.")
    parser.add_argument("--out", type=Path, default=RESULTS, help="Results folder.")
    args = parser.parse_args(argv)
    if not Path(args.db).is_file():
        print(f"error: {args.db}: no store there", file=sys.stderr)
        return 1
    if not bundle_built() or not Path(CHROMIUM).exists():
        print("error: needs the built front end (make web) and /usr/bin/chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "map.db"
        shutil.copyfile(args.db, db)
        started = time.perf_counter()
        app = create_app(db)
        warm(app)
        startup = time.perf_counter() - started
        with BackgroundServer(app) as server:
            info = httpx.get(f"{server.url}/api/graph", timeout=60).json()["view"]
            frames = first_frames(f"{server.url}/", args.runs)
            latency = api_latency(server.url, args.rounds)
        app.state.store.close()
    result = {
        "store": args.db,
        "organizations": info["organizations"],
        "edges": info["edges"],
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}",
        "startup_s": round(startup, 2),
        "first_frame_ms": {k: summary(v) for k, v in frames.items()},
        "first_frame_runs_ms": {k: [round(x) for x in v] for k, v in frames.items()},
        "api_ms": latency,
        "goals": {"first_frame_ms": GOAL_FRAME_MS, "api_median_ms": GOAL_API_MS},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "web.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    text = markdown(result)
    (args.out / "web.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
