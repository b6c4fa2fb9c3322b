"""Extraction quality and speed: extract + evaluate on the seed and dev sets, and throughput
of `extract` over the shared corpus.

Writes `benchmarks/results/quality.json`, `quality.md`, and appends one line per run to
`quality_history.jsonl` so a regression shows up in review.

    .venv/bin/python benchmarks/bench_quality.py                 # seed + dev + whole corpus
    .venv/bin/python benchmarks/bench_quality.py --corpus-docs 2000   # a quicker speed figure
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from alliancemap import registry
from alliancemap.evaluate import claim_outcomes, evaluate
from alliancemap.extract_io import extract_in_memory
from alliancemap.model import Document

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "benchmarks" / "results"
BINS = [0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01]


def _documents(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def score_set(name: str, extractor_name: str) -> dict:
    """P/R/F1 per type, date accuracy, entity recall and a confidence calibration table."""
    gold = _documents(SHARED / "eval" / f"{name}.jsonl")
    extractor = registry.extractor(extractor_name)
    started = time.perf_counter()
    preds = extract_in_memory(extractor, gold)
    seconds = time.perf_counter() - started
    report = evaluate(gold, preds)
    bins = [
        {"from": lo, "to": min(hi, 1.0), "n": 0, "correct": 0}
        for lo, hi in zip(BINS, BINS[1:], strict=False)
    ]
    for confidence, right in claim_outcomes(preds, report):
        for b in bins:
            if b["from"] <= confidence < (b["to"] if b["to"] < 1.0 else 1.01):
                b["n"] += 1
                b["correct"] += right
                break
    for b in bins:
        b["precision"] = round(b["correct"] / b["n"], 4) if b["n"] else None
    above = [b for b in bins if b["from"] >= 0.8]
    n_above = sum(b["n"] for b in above)
    out = report.to_dict()
    out.pop("false_positives")
    out.pop("false_negatives")
    out["seconds"] = round(seconds, 3)
    out["calibration"] = bins
    out["precision_above_0.8"] = (
        round(sum(b["correct"] for b in above) / n_above, 4) if n_above else None
    )
    out["errors_by_cause"] = {c: len(items) for c, items in report.errors_by_cause().items()}
    return out


def corpus_speed(extractor_name: str, limit: int | None) -> dict:
    """MB of text per second on one core for `extract` over the corpus (or its first N docs)."""
    path = SHARED / "corpus" / "ai-tech-articles.jsonl.gz"
    extractor = registry.extractor(extractor_name)
    n = chars = nbytes = claims = 0
    cpu = 0.0
    wall_start = time.perf_counter()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if limit is not None and n >= limit:
                break
            rec = json.loads(line)
            doc = Document(
                text=rec["text"], id=rec["id"], published=str(rec.get("year") or "") or None
            )
            t0 = time.process_time()
            claims += len(extractor.extract(doc).claims)
            cpu += time.process_time() - t0
            n += 1
            chars += len(rec["text"])
            nbytes += len(rec["text"].encode("utf-8"))
    wall = time.perf_counter() - wall_start
    return {
        "documents": n,
        "megabytes": round(nbytes / 1e6, 2),
        "claims": claims,
        "cpu_seconds": round(cpu, 1),
        "wall_seconds": round(wall, 1),
        "mb_per_second_per_core": round(nbytes / 1e6 / cpu, 3) if cpu else None,
    }


def cross_validation(extractor_name: str) -> dict:
    """The fair held-out figure on train.jsonl: a trained model's own K-fold figures (from its
    manifest); an extractor that never trained there is scored on the whole file."""
    extractor = registry.extractor(extractor_name)
    meta = getattr(extractor, "meta", None) or {}
    cv = meta.get("cross_validation")
    if cv:
        return {k: cv[k] for k in ("precision", "recall", "f1")} | {
            "how": f"{cv['k']}-fold cross-validation from the model manifest"
        }
    path = SHARED / "eval" / "train.jsonl"
    if not path.is_file():
        return {}
    gold = _documents(path)
    preds = extract_in_memory(extractor, gold)
    r = evaluate(gold, preds)
    return {
        "precision": round(r.precision, 4),
        "recall": round(r.recall, 4),
        "f1": round(r.f1, 4),
        "how": "whole train.jsonl (never trained on)",
    }


def markdown(result: dict) -> str:
    lines = [
        f"# Extraction quality ({result['when']}, {result['commit']})",
        "",
        "| extractor | CV P | CV R | CV F1 | dev P | dev R | dev F1 | seed F1 | MB/s per core |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, res in result["extractors"].items():
        cv, dev, seed = res.get("cross_validation") or {}, res["sets"]["dev"], res["sets"]["seed"]
        speed = (res.get("speed") or {}).get("mb_per_second_per_core")

        def f(d: dict, k: str) -> str:
            return f"{d[k]:.3f}" if k in d else "-"

        lines.append(
            f"| {name} | {f(cv, 'precision')} | {f(cv, 'recall')} | {f(cv, 'f1')} | "
            f"{f(dev, 'precision')} | {f(dev, 'recall')} | {f(dev, 'f1')} | {f(seed, 'f1')} | "
            f"{speed if speed is not None else '-'} |"
        )
    lines.append("")
    for name, res in result["extractors"].items():
        if res.get("cross_validation"):
            lines.append(f"CV for `{name}`: {res['cross_validation']['how']}.")
    for name, res in result["extractors"].items():
        lines += ["", *extractor_markdown(name, res)]
    return "\n".join(lines) + "\n"


def extractor_markdown(name: str, result: dict) -> list[str]:
    lines = [
        f"## {name}",
        "",
        "| set | precision | recall | F1 | date accuracy | entity recall | P(conf>0.8) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for set_name in ("seed", "dev"):
        s = result["sets"].get(set_name)
        if s:
            lines.append(
                f"| {set_name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | "
                f"{s['date_accuracy']:.2f} | {s['entity_recall']:.2f} | {s['precision_above_0.8']} |"
            )
    dev = result["sets"].get("dev")
    if dev:
        lines += [
            "",
            "Per type on dev:",
            "",
            "| type | tp | fp | fn | P | R | F1 |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for t, s in dev["per_type"].items():
            lines.append(
                f"| {t} | {s['tp']} | {s['fp']} | {s['fn']} | {s['precision']:.2f} | "
                f"{s['recall']:.2f} | {s['f1']:.2f} |"
            )
        lines += [
            "",
            "Confidence calibration on dev (unique predicted relations):",
            "",
            "| confidence | n | correct | precision |",
            "|---|---:|---:|---:|",
        ]
        for b in dev["calibration"]:
            lines.append(
                f"| [{b['from']:.1f}, {b['to']:.2f}) | {b['n']} | {b['correct']} | {b['precision']} |"
            )
        lines += [
            "",
            "Errors on dev by cause: "
            + ", ".join(f"{k} {v}" for k, v in dev["errors_by_cause"].items()),
        ]
    sp = result.get("speed")
    if sp:
        lines += [
            "",
            f"Speed: {sp['documents']} corpus documents, {sp['megabytes']} MB in {sp['cpu_seconds']} s "
            f"of CPU: **{sp['mb_per_second_per_core']} MB/s per core** ({sp['claims']} claims).",
        ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extractors", default="rules,learned", help="comma-separated names")
    parser.add_argument(
        "--corpus-docs", type=int, default=None, help="documents for the speed run (default: all)"
    )
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--no-cv", action="store_true", help="skip the train.jsonl figure")
    args = parser.parse_args(argv)
    if not (SHARED / "eval").is_dir():
        print(f"skipped: {SHARED / 'eval'} is absent", file=sys.stderr)
        return 0
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    result: dict = {
        "when": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit or "unknown",
        "extractors": {},
    }
    corpus = (SHARED / "corpus" / "ai-tech-articles.jsonl.gz").is_file()
    for name in args.extractors.split(","):
        res: dict = {"sets": {s: score_set(s, name) for s in ("seed", "dev")}}
        if not args.no_cv:
            res["cross_validation"] = cross_validation(name)
        if not args.no_speed and corpus:
            res["speed"] = corpus_speed(name, args.corpus_docs)
        result["extractors"][name] = res
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "quality.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (RESULTS / "quality.md").write_text(markdown(result), encoding="utf-8")
    with (RESULTS / "quality_history.jsonl").open("a", encoding="utf-8") as fh:
        for name, res in result["extractors"].items():
            summary = {
                "when": result["when"],
                "commit": result["commit"],
                "extractor": name,
                **{
                    f"{s}_{k}": res["sets"][s][k]
                    for s in ("seed", "dev")
                    for k in ("precision", "recall", "f1", "date_accuracy")
                },
                "cv_f1": (res.get("cross_validation") or {}).get("f1"),
                "mb_per_second_per_core": res.get("speed", {}).get("mb_per_second_per_core"),
            }
            fh.write(json.dumps(summary) + "\n")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
