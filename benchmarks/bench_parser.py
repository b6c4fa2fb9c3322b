"""Does a dependency parse pay? `rules` against `rules-parse` on seed, dev and a corpus slice.

For each evaluation set: P/R/F1 of both extractors. On the first N corpus articles (1,000
by default): MB of text per second per core for both, in the same run, and the claims the
parse variant removes (with the reason), for reading by hand. Writes
`benchmarks/results/parser.json` and `parser.md`.

    .venv/bin/python benchmarks/bench_parser.py
    .venv/bin/python benchmarks/bench_parser.py --corpus-docs 4000 --removed-out /tmp/removed.jsonl
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

from alliancemap import registry
from alliancemap.evaluate import evaluate
from alliancemap.extract_io import extraction_to_record
from alliancemap.model import Document

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "benchmarks" / "results"
SETTINGS = ("rules", "rules-parse")
# The rule for the default: the parse variant must raise dev F1 by more than this many
# points (absolute) and keep at least this share of the rules' speed.
MIN_F1_GAIN = 0.01
MIN_SPEED_SHARE = 0.5


def _documents(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def score_set(name: str, extractors: dict) -> dict:
    """P/R/F1 (and per type) of each extractor on one gold set."""
    gold = _documents(SHARED / "eval" / f"{name}.jsonl")
    out = {}
    for setting, extractor in extractors.items():
        docs = [Document(text=g["text"], id=g["id"], published=g.get("published")) for g in gold]
        preds = [extraction_to_record(extractor.extract(d)) for d in docs]
        report = evaluate(gold, preds)
        out[setting] = {
            "precision": round(report.precision, 4),
            "recall": round(report.recall, 4),
            "f1": round(report.f1, 4),
            "tp": report.total.tp,
            "fp": report.total.fp,
            "fn": report.total.fn,
            "per_type": {t: s.to_dict() for t, s in report.per_type.items()},
        }
    return out


def _corpus(limit: int) -> list[Document]:
    path = SHARED / "corpus" / "ai-tech-articles.jsonl.gz"
    docs = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if len(docs) >= limit:
                break
            rec = json.loads(line)
            year = str(rec.get("year") or "") or None
            docs.append(Document(text=rec["text"], id=rec["id"], published=year))
    return docs


def corpus_run(extractors: dict, limit: int) -> tuple[dict, list[dict]]:
    """Speed of each extractor on the first `limit` articles, and the claims the parse drops."""
    docs = _corpus(limit)
    nbytes = sum(len(d.text.encode("utf-8")) for d in docs)
    speed: dict = {"documents": len(docs), "megabytes": round(nbytes / 1e6, 2)}
    removed: list[dict] = []
    for setting, extractor in extractors.items():
        extractor.extract(docs[0])  # load lazily built parts (the parser) before timing
        claims = 0
        cpu = time.process_time()
        for doc in docs:
            claims += len(extractor.extract(doc).claims)
            for rej in getattr(extractor, "rejections", []):
                c = rej.claim
                removed.append(
                    {
                        "doc": doc.id,
                        "subject": c.subject,
                        "type": c.type.value,
                        "object": c.object,
                        "reason": rej.reason,
                        "evidence": c.evidence,
                    }
                )
        cpu = time.process_time() - cpu
        speed[setting] = {
            "claims": claims,
            "cpu_seconds": round(cpu, 2),
            "mb_per_second_per_core": round(nbytes / 1e6 / cpu, 3),
        }
    speed["speed_ratio"] = round(
        speed["rules-parse"]["mb_per_second_per_core"] / speed["rules"]["mb_per_second_per_core"],
        3,
    )
    return speed, removed


def decide(result: dict) -> dict:
    """Apply the default rule to the measured figures."""
    dev = result["sets"]["dev"]
    gain = dev["rules-parse"]["f1"] - dev["rules"]["f1"]
    share = result["corpus"]["speed_ratio"]
    switch = gain > MIN_F1_GAIN and share >= MIN_SPEED_SHARE
    return {
        "rule": (
            f"rules-parse becomes the default only if it raises dev F1 by more than "
            f"{MIN_F1_GAIN:.2f} (absolute) while keeping at least {MIN_SPEED_SHARE:.0%} of the "
            f"rules extractor's speed"
        ),
        "dev_f1_gain": round(gain, 4),
        "speed_share": share,
        "default": "rules-parse" if switch else "rules",
    }


def markdown(result: dict) -> str:
    lines = [
        f"# Dependency parse: rules vs rules-parse ({result['when']}, {result['commit']})",
        "",
        "| set | setting | precision | recall | F1 | tp | fp | fn |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, by_setting in result["sets"].items():
        for setting, s in by_setting.items():
            lines.append(
                f"| {name} | {setting} | {s['precision']:.3f} | {s['recall']:.3f} | "
                f"{s['f1']:.3f} | {s['tp']} | {s['fp']} | {s['fn']} |"
            )
    c = result["corpus"]
    lines += [
        "",
        f"Corpus slice: first {c['documents']} articles, {c['megabytes']} MB, one core.",
        "",
        "| setting | claims | CPU s | MB/s per core |",
        "|---|---:|---:|---:|",
    ]
    for setting in SETTINGS:
        s = c[setting]
        lines.append(
            f"| {setting} | {s['claims']} | {s['cpu_seconds']} | {s['mb_per_second_per_core']} |"
        )
    d = result["decision"]
    lines += [
        "",
        f"Speed ratio (rules-parse / rules): **{c['speed_ratio']}**. "
        f"Claims removed by the parse on the slice: {len(result['removed'])}.",
        "",
        f"Decision rule: {d['rule']}. Dev F1 gain {d['dev_f1_gain']:+.4f}, speed share "
        f"{d['speed_share']}: default stays **{d['default']}**.",
        "",
        "Removed claims on the slice (subject, type, object, reason):",
        "",
    ]
    for r in result["removed"]:
        lines.append(f"- {r['doc']}: {r['subject']} -{r['type']}-> {r['object']} ({r['reason']})")
    return "\n".join(lines) + "\n"


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus-docs", type=int, default=1000)
    ap.add_argument("--removed-out", type=Path, help="also write every removed claim here")
    ap.add_argument("--no-write", action="store_true", help="print only; keep results as they are")
    args = ap.parse_args()
    extractors = {name: registry.extractor(name) for name in SETTINGS}
    result: dict = {
        "when": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": _commit(),
        "sets": {name: score_set(name, extractors) for name in ("seed", "dev")},
    }
    result["corpus"], removed = corpus_run(extractors, args.corpus_docs)
    result["removed"] = removed
    result["decision"] = decide(result)
    if args.removed_out:
        with args.removed_out.open("w", encoding="utf-8") as fh:
            for r in removed:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    text = markdown(result)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "parser.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        (RESULTS / "parser.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
