"""Benchmark the `llm` extractor against the fixture chat-completions server (no real model).

    .venv/bin/python benchmarks/bench_llm.py [--delay 0.05] [--copies 5]

The server (tests/llmserver.py, on 127.0.0.1) answers every passage of ../shared/eval/dev.jsonl
as its gold annotation, after --delay seconds (a stand-in for model latency). Every third
passage's answer also carries two bad relations: one whose evidence is not in the text and
one of an unknown type, which the verifier must drop. --copies repeats the 40 passages with a
distinct suffix each, so each copy is a new request.

What is measured:
- cold runs (empty cache) at concurrency 1, 4 and 8: requests per second, documents per
  second, tokens;
- a warm run over the same passages (every answer from the cache): documents per second and
  requests sent (must be 0);
- validation drops by reason, and the agreement of the kept relations with gold (P/R/F1 of
  `alliancemap evaluate`): an oracle teacher, so what verification costs in recall is shown.

Writes benchmarks/results/llm.json and llm.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from alliancemap.evaluate import evaluate  # noqa: E402
from alliancemap.extract.llm.extractor import LLMExtractor  # noqa: E402
from alliancemap.extract.llm.settings import LLMSettings  # noqa: E402
from alliancemap.extract.llm.stats import LLMStats  # noqa: E402
from alliancemap.extract_io import extraction_to_record, record_document  # noqa: E402
from alliancemap.model import Extraction  # noqa: E402
from llmserver import Fixture, LLMServer  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
RESULTS = ROOT / "benchmarks" / "results"


def passages(copies: int) -> list[dict]:
    gold = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    out = []
    for c in range(copies):
        for g in gold:
            text = g["text"] if c == 0 else f"{g['text']}\n(copy {c})"
            out.append({**g, "id": f"{g['id']}#{c}", "text": text})
    return out


def install(srv: LLMServer, records: list[dict]) -> None:
    for i, r in enumerate(records):
        rels = list(r["relations"])
        if i % 3 == 0 and rels:
            first = rels[0]
            rels.append({**first, "evidence": "A sentence the passage never had."})
            rels.append({**first, "type": "friendship"})
        srv.fixtures[r["text"]] = Fixture({"entities": r["entities"], "relations": rels})


def run(srv: LLMServer, records: list[dict], cache: Path, concurrency: int) -> dict:
    stats = LLMStats()
    settings = LLMSettings(model="bench", url=srv.url, concurrency=concurrency, cache=cache)
    extractor = LLMExtractor(settings=settings, stats=stats)
    before = srv.total()
    started = time.perf_counter()
    found = extractor.extract_batch([record_document(r) for r in records])
    seconds = time.perf_counter() - started
    extractor.close()
    preds = [
        extraction_to_record(e or Extraction(record_document(r)))
        for r, e in zip(records, found, strict=True)
    ]
    requests = srv.total() - before
    return {
        "concurrency": concurrency,
        "documents": len(records),
        "requests": requests,
        "seconds": round(seconds, 3),
        "requests_per_second": round(requests / seconds, 1) if requests else 0.0,
        "documents_per_second": round(len(records) / seconds, 1),
        "stats": stats.to_dict(),
        "preds": preds,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--delay", type=float, default=0.05, help="server seconds per answer")
    ap.add_argument("--copies", type=int, default=5, help="copies of the 40 dev passages")
    args = ap.parse_args()
    records = passages(args.copies)
    gold_dev = records[:40]
    rows = []
    with tempfile.TemporaryDirectory() as tmp, LLMServer(delay=args.delay) as srv:
        install(srv, records)
        for conc in (1, 4, 8):
            cache = Path(tmp) / f"cache-{conc}.sqlite"
            cold = run(srv, records, cache, conc)
            warm = run(srv, records, cache, conc)
            rows.append((cold, warm))
        cold = rows[-1][0]
        report = evaluate(gold_dev, cold["preds"][:40]).to_dict()
    result = {
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "server_delay_s": args.delay,
        "documents": len(records),
        "runs": [
            {
                "concurrency": c["concurrency"],
                "cold": {k: v for k, v in c.items() if k != "preds"},
                "warm": {k: v for k, v in w.items() if k != "preds"},
            }
            for c, w in rows
        ],
        "dev_agreement": {k: report[k] for k in ("precision", "recall", "f1")},
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "llm.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "llm.md").write_text(markdown(result))
    print(markdown(result))


def markdown(r: dict) -> str:
    lines = [
        "# LLM extractor against the fixture server",
        "",
        f"{r['documents']} passages (dev.jsonl x copies), server delay {r['server_delay_s']} s"
        f" per answer; {r['machine']}.",
        "",
        "| concurrency | cold: requests/s | cold: docs/s | cold: s | warm: requests | warm: docs/s"
        " | warm: cache hits |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run_ in r["runs"]:
        c, w = run_["cold"], run_["warm"]
        lines.append(
            f"| {run_['concurrency']} | {c['requests_per_second']} | {c['documents_per_second']}"
            f" | {c['seconds']} | {w['requests']} | {w['documents_per_second']}"
            f" | {w['stats']['cache_hits']} |"
        )
    stats = r["runs"][-1]["cold"]["stats"]
    drops = ", ".join(f"{k} {v}" for k, v in sorted(stats["relations_dropped"].items()))
    a = r["dev_agreement"]
    lines += [
        "",
        f"Relations dropped by verification (one cold run): {drops or 'none'};"
        f" {stats['merged']} duplicates merged; {stats['relations']} kept.",
        "",
        "Gold relations the verifier drops are gold endpoints it cannot find by name in the"
        " text, or two names the knowledge base takes for one organization.",
        "",
        f"Kept relations against dev gold (the teacher answers gold, plus injected errors):"
        f" P {a['precision']:.3f}, R {a['recall']:.3f}, F1 {a['f1']:.3f}.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
