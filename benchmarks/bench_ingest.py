"""Ingest speed: one process vs the Dask engine (1 and 2 workers), into SQLite and PostgreSQL.

Each configuration runs in a fresh child process into a fresh store, so peak memory is its
own. Dask runs start their local cluster first and time the ingest only (cluster start-up is
reported apart). PostgreSQL is --pg URL, else a throwaway server with default (durable)
settings. Writes benchmarks/results/ingest.json and ingest.md.

    python benchmarks/bench_ingest.py              # the whole corpus: about half an hour
    python benchmarks/bench_ingest.py --limit 300  # a quick check
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[1] / "shared" / "corpus" / "ai-tech-articles.jsonl.gz"
RESULTS = HERE / "results"
CONFIGS = [("local", 1), ("dask", 1), ("dask", 2)]
BACKENDS = ["sqlite", "postgresql"]


@dataclass
class Run:
    """One configuration's figures."""

    backend: str
    engine: str
    workers: int
    documents: int
    seconds: float
    docs_per_second: float
    claims_added: int
    stored_documents: int
    stored_claims: int
    fingerprint: str  # of the store's claims, entities and counts: equal runs stored the same
    startup_seconds: float = 0.0  # the local Dask cluster's start, not in `seconds`
    peak_rss_mb_client: float = 0.0  # the ingesting process (the only one for "local")
    peak_rss_mb_workers: list[float] = field(default_factory=list)
    cpu_seconds: float = 0.0  # used by the ingesting process and the workers (not PostgreSQL)
    load_average: list[float] = field(default_factory=list)  # 1-min, before and after: noise


def _peak_rss_mb() -> float:
    """This process's peak resident memory (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """CPU time this process has used, user and system."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def fingerprint(store: Any) -> str:
    """A digest of everything an ingest stores, minus row ids and timestamps."""
    claims = sorted(
        (c.document_hash or "", c.subject, c.object, c.type.value, c.date or "", c.evidence)
        + (c.evidence_start or -1, c.extractor, c.confidence)
        for c in store.iter_claims()
    )
    entities = sorted((e.name, e.type.value, e.in_kb) for e in store.entities())
    stats = store.stats()
    text = repr((claims, entities, stats["documents"], stats["mentions"]))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def run_one(backend: str, engine: str, workers: int, url: str, args: argparse.Namespace) -> Run:
    """Ingest the corpus once with one configuration (called in a fresh child process)."""
    from alliancemap.distributed import ingest_dask
    from alliancemap.pipeline import ingest
    from alliancemap.store import open_store

    paths = [args.corpus]
    startup, worker_peaks, worker_cpu = 0.0, [], 0.0
    cpu_before = _cpu_seconds()
    if engine == "local":
        with open_store(url) as store:
            summary = ingest(paths, store, batch_size=args.batch_size, limit=args.limit)
    else:
        from distributed import Client, LocalCluster

        started = time.perf_counter()
        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            Client(cluster) as client,
        ):
            startup = time.perf_counter() - started
            idle_cpu = sum(client.run(_cpu_seconds).values())
            cpu_before = _cpu_seconds()
            summary = ingest_dask(
                paths,
                url,
                scheduler=cluster.scheduler_address,
                partition_size=args.partition_size,
                batch_size=args.batch_size,
                limit=args.limit,
            )
            worker_peaks = sorted(client.run(_peak_rss_mb).values())
            worker_cpu = sum(client.run(_cpu_seconds).values()) - idle_cpu
    client_cpu = _cpu_seconds() - cpu_before
    with open_store(url) as store:
        stats = store.stats()
        digest = fingerprint(store)
    return Run(
        backend=backend,
        engine=engine,
        workers=workers,
        documents=summary.documents_read,
        seconds=round(summary.seconds, 2),
        docs_per_second=round(summary.documents_read / summary.seconds, 2),
        claims_added=summary.claims_added,
        stored_documents=stats["documents"],
        stored_claims=stats["claims"],
        fingerprint=digest,
        startup_seconds=round(startup, 2),
        peak_rss_mb_client=round(_peak_rss_mb(), 1),
        peak_rss_mb_workers=[round(p, 1) for p in worker_peaks],
        cpu_seconds=round(client_cpu + worker_cpu, 1),
    )


def _child(backend: str, engine: str, workers: int, url: str, args: argparse.Namespace) -> Run:
    """Run one configuration in a fresh Python process and read back its figures."""
    cmd = [sys.executable, __file__, "--child", backend, engine, str(workers), url]
    cmd += ["--corpus", str(args.corpus), "--batch-size", str(args.batch_size)]
    cmd += ["--partition-size", str(args.partition_size)]
    if args.limit is not None:
        cmd += ["--limit", str(args.limit)]
    before = os.getloadavg()[0]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{backend}/{engine}/{workers} failed:\n{done.stderr[-3000:]}")
    run = Run(**json.loads(done.stdout.strip().splitlines()[-1]))
    run.load_average = [round(before, 2), round(os.getloadavg()[0], 2)]
    return run


def _ratios(runs: list[Run]) -> dict[str, dict[str, float]]:
    """Per backend: Dask 2 workers over 1 (scaling), and each Dask run over one process."""
    out: dict[str, dict[str, float]] = {}
    for backend in BACKENDS:
        rate = {(r.engine, r.workers): r.docs_per_second for r in runs if r.backend == backend}
        if len(rate) == len(CONFIGS):
            out[backend] = {
                "dask2_over_dask1": round(rate["dask", 2] / rate["dask", 1], 2),
                "dask1_over_local": round(rate["dask", 1] / rate["local", 1], 2),
                "dask2_over_local": round(rate["dask", 2] / rate["local", 1], 2),
            }
    return out


def _markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Ingest benchmark",
        "",
        f"{report['documents']} documents of `{Path(report['corpus']).name}`"
        f"{' (--limit)' if report['limit'] else ''}; {report['machine']}.",
        f"Run on {report['date']}; partitions of {report['partition_size']} documents, "
        f"batches of {report['batch_size']}. PostgreSQL: {report['postgresql']}.",
        "Seconds are wall-clock; CPU s is what the ingesting process and the Dask workers used "
        "(PostgreSQL's own CPU aside). A load average above the CPU count means other work "
        "shared the machine and the wall-clock figures are pessimistic.",
        "",
        "| store | engine | workers | docs/s | seconds | CPU s | cluster start s "
        "| peak RSS client MB | peak RSS per worker MB | claims | load avg before, after |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    for r in report["runs"]:
        workers = ", ".join(f"{p:.0f}" for p in r["peak_rss_mb_workers"]) or "-"
        lines.append(
            f"| {r['backend']} | {r['engine']} | {r['workers']} | {r['docs_per_second']:.1f} "
            f"| {r['seconds']:.1f} | {r['cpu_seconds']:.0f} | {r['startup_seconds']:.1f} "
            f"| {r['peak_rss_mb_client']:.0f} "
            f"| {workers} | {r['stored_claims']} "
            f"| {', '.join(f'{x:.1f}' for x in r['load_average'])} |"
        )
    lines += ["", "| store | Dask 2 workers / 1 | Dask 1 / one process | Dask 2 / one process |"]
    lines += ["|---|---:|---:|---:|"]
    for backend, ratio in report["ratios"].items():
        lines.append(
            f"| {backend} | {ratio['dask2_over_dask1']:.2f} | {ratio['dask1_over_local']:.2f} "
            f"| {ratio['dask2_over_local']:.2f} |"
        )
    same = "yes" if report["same_contents"] else "NO (see the fingerprints in ingest.json)"
    lines += ["", f"Every run stored the same claims, entities and mentions: {same}.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    parser.add_argument("--pg", help="PostgreSQL server URL (default: a throwaway server)")
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--partition-size", type=int, default=100)
    parser.add_argument("--backends", nargs="+", default=BACKENDS, choices=BACKENDS)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        backend, engine, workers, url = args.child
        print(json.dumps(asdict(run_one(backend, engine, int(workers), url, args))))
        return

    from alliancemap import pgtemp

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the server on `kill` too
    server = None
    pg_admin = args.pg
    if "postgresql" in args.backends and pg_admin is None:
        server = pgtemp.start(durable=True)
        pg_admin = server.url()
    runs: list[Run] = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
            for backend in args.backends:
                for engine, workers in CONFIGS:
                    if backend == "sqlite":
                        url = str(Path(tmp) / f"{engine}-{workers}.db")
                    else:
                        url = pgtemp.create_database(pg_admin, prefix="bench")
                    run = _child(backend, engine, workers, url, args)
                    if backend == "postgresql":
                        pgtemp.drop_database(pg_admin, url)
                    print(
                        f"{backend:10} {engine:5} {workers} worker(s): "
                        f"{run.docs_per_second:7.1f} docs/s, {run.seconds:7.1f} s",
                        flush=True,
                    )
                    runs.append(run)
    finally:
        if server is not None:
            pgtemp.stop(server)

    report = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "corpus": str(args.corpus),
        "limit": args.limit,
        "documents": runs[0].documents if runs else 0,
        "batch_size": args.batch_size,
        "partition_size": args.partition_size,
        "machine": f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}",
        "postgresql": "given server" if args.pg else "throwaway local server, default settings",
        "same_contents": len({r.fingerprint for r in runs}) == 1,
        "runs": [asdict(r) for r in runs],
        "ratios": _ratios(runs),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ingest.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (args.out / "ingest.md").write_text(_markdown(report), encoding="utf-8")
    print(_markdown(report))


if __name__ == "__main__":
    main()
