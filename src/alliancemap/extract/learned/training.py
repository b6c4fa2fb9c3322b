"""The `train` pipeline: gold files in, a model directory with its manifest out.

Steps: turn every record into tagger sentences and labelled candidate pairs once; fit the
name tagger and the relation classifier; optionally cross-validate by passage (which picks
the decision threshold and the confidence calibration on held-out folds) and score a
validation file the model never trained on; write the manifest.
"""

from __future__ import annotations

import hashlib
import platform
import random
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alliancemap.extract.gazetteer import Gazetteer
from alliancemap.extract.learned.calibration import (
    THRESHOLDS,
    calibration_curve,
    filter_confidence,
    threshold_table,
)
from alliancemap.extract.learned.examples import RecordExamples, record_examples
from alliancemap.extract.learned.mention_eval import mention_figures
from alliancemap.extract.learned.model_dir import RELATIONS_FILE, TAGGER_FILE, write_meta
from alliancemap.extract.learned.relation_model import fit_relation_model
from alliancemap.extract.learned.tagger import train_tagger
from alliancemap.extract.learned.wordclusters import CLUSTERS_FILE, WordClusters

DEFAULT_THRESHOLD = 0.4
DEFAULT_ITERATIONS = 40
Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class TrainOptions:
    seed: int = 0
    tagger_iterations: int = DEFAULT_ITERATIONS
    rule_hints: bool = True  # the `rules` extractor's verdicts as classifier features
    c: float = 0.5  # inverse L2 strength of the relation classifier


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, for the manifest."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def build_examples(
    records: Sequence[tuple[dict, float]],
    options: TrainOptions,
    progress: Progress,
    clusters: WordClusters | None = None,
) -> list[RecordExamples]:
    """Training material of every (record, weight), in record order."""
    gazetteer = Gazetteer()
    rules = None
    if options.rule_hints:
        from alliancemap.extract.rules import RulesExtractor

        rules = RulesExtractor(gazetteer.kb)
    out = []
    for i, (record, weight) in enumerate(records, 1):
        out.append(record_examples(record, gazetteer, weight, rules, clusters))
        if i % 500 == 0 or i == len(records):
            progress(f"examples: {i}/{len(records)} records")
    return out


def fit(
    examples: Sequence[RecordExamples],
    out_dir: Path,
    options: TrainOptions,
    progress: Progress,
    clusters: WordClusters | None = None,
) -> dict[str, Any]:
    """Fit tagger and classifier on `examples` (built with `clusters`, which are saved
    beside them); write their files to `out_dir`."""
    random.seed(options.seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    if clusters is not None:
        clusters.save(out_dir / CLUSTERS_FILE)
    sentences = [s for ex in examples for s in ex.sentences]
    pairs = [p for ex in examples for p in ex.pairs]
    t0 = time.perf_counter()
    train_tagger(
        sentences,
        out_dir / TAGGER_FILE,
        max_iterations=options.tagger_iterations,
        on_iteration=lambda it, loss: (
            progress(f"tagger iteration {it}: loss {loss:.0f}") if it % 10 == 0 else None
        ),
    )
    t1 = time.perf_counter()
    progress(f"tagger trained on {len(sentences)} sentences ({t1 - t0:.0f}s)")
    model = fit_relation_model(
        [p.features for p in pairs],
        [p.label for p in pairs],
        [p.weight for p in pairs],
        c=options.c,
        seed=options.seed,
    )
    model.save(out_dir / RELATIONS_FILE)
    t2 = time.perf_counter()
    progress(f"relation classifier trained on {len(pairs)} pairs ({t2 - t1:.0f}s)")
    return {
        "pairs": len(pairs),
        "positive_pairs": sum(p.label != "none" for p in pairs),
        "tagger_seconds": round(t1 - t0, 1),
        "classifier_seconds": round(t2 - t1, 1),
    }


def predict(model_dir: Path, records: Sequence[dict]) -> list[dict]:
    """Predicted records (every claim above the lowest threshold) of `records`."""
    from alliancemap.extract.learned.extractor import LearnedExtractor
    from alliancemap.extract_io import extract_in_memory

    extractor = LearnedExtractor(model_dir, threshold=min(THRESHOLDS), calibrate=False)
    return extract_in_memory(extractor, records)


def fold_of(record: dict, k: int, seed: int) -> int:
    """The cross-validation fold of a record: stable, by a hash of its id and the seed."""
    digest = hashlib.sha256(f"{seed}:{record['id']}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % k


def cross_validate(
    records: Sequence[tuple[dict, float]],
    examples: Sequence[RecordExamples],
    k: int,
    options: TrainOptions,
    progress: Progress,
    folds: int | None = None,
    clusters: WordClusters | None = None,
) -> tuple[list[dict], list[dict]]:
    """K-fold cross-validation by passage: (gold, held-out predictions) of the folds run.

    `folds` runs only the first N of the K folds (a quicker estimate)."""
    from alliancemap.evaluate import evaluate

    gold_all: list[dict] = []
    pred_all: list[dict] = []
    assign = [fold_of(rec, k, options.seed) for rec, _ in records]
    for f in range(folds or k):
        train_ex = [ex for ex, g in zip(examples, assign, strict=True) if g != f]
        held = [rec for (rec, _), g in zip(records, assign, strict=True) if g == f]
        progress(f"fold {f + 1}/{k}: training on {len(train_ex)} passages")
        with tempfile.TemporaryDirectory(prefix="alliancemap-cv-") as tmp:
            prefix = f"fold {f + 1}/{k}: "
            fit(train_ex, Path(tmp), options, lambda m, p=prefix: progress(p + m), clusters)
            write_meta(Path(tmp), {"threshold": min(THRESHOLDS), "rule_hints": options.rule_hints})
            preds = predict(Path(tmp), held)
        report = evaluate(held, filter_confidence(preds, DEFAULT_THRESHOLD))
        progress(
            f"fold {f + 1}/{k}: P {report.precision:.3f} R {report.recall:.3f} "
            f"F1 {report.f1:.3f} at threshold {DEFAULT_THRESHOLD}"
        )
        gold_all.extend(held)
        pred_all.extend(preds)
    return gold_all, pred_all


F1_TOLERANCE = 0.01


def pick_threshold(table: Sequence[dict[str, float]]) -> float:
    """The highest threshold whose F1 is within `F1_TOLERANCE` of the best: where the F1
    curve is flat, the map is better served by the more precise end of it."""
    best = max(row["f1"] for row in table)
    return max(row["threshold"] for row in table if row["f1"] >= best - F1_TOLERANCE)


def summary(report: Any) -> dict[str, Any]:
    """The figures of an evaluation that go into the manifest."""
    d = report.to_dict()
    return {
        "precision": round(report.precision, 4),
        "recall": round(report.recall, 4),
        "f1": round(report.f1, 4),
        "entity_recall": round(report.entity_recall, 4),
        "n_gold": report.n_gold,
        "n_pred": report.n_pred,
        "per_type": d.get("per_type"),
    }


def train(
    records: Sequence[tuple[dict, float]],
    out_dir: Path,
    *,
    options: TrainOptions = TrainOptions(),
    cv: int = 0,
    cv_folds: int | None = None,
    validation: Sequence[dict] | None = None,
    sources: list[dict[str, Any]] | None = None,
    clusters: WordClusters | None = None,
    clusters_source: dict[str, Any] | None = None,
    progress: Progress = lambda _msg: None,
) -> dict[str, Any]:
    """Train on weighted gold records and write `out_dir` with its manifest (returned).

    `clusters` (from unlabelled text, see wordclusters.py) become tagger features and ship in
    the model directory; `clusters_source` describes their file for the manifest. With `cv`, the threshold with the best cross-validated F1 and a calibration curve from
    the held-out predictions go into the model; `validation` records are scored at the end."""
    from alliancemap.evaluate import evaluate

    t0 = time.perf_counter()
    examples = build_examples(records, options, progress, clusters)
    gold = sum(ex.gold_relations for ex in examples)
    reach = sum(ex.reachable for ex in examples)
    progress(f"candidates reach {reach}/{gold} gold relations ({time.perf_counter() - t0:.0f}s)")
    threshold, calibration, cv_meta = DEFAULT_THRESHOLD, None, None
    if cv:
        cv_gold, cv_pred = cross_validate(
            records, examples, cv, options, progress, cv_folds, clusters
        )
        table = threshold_table(cv_gold, cv_pred)
        threshold = pick_threshold(table)
        calibration = calibration_curve(cv_gold, cv_pred, threshold)
        report = evaluate(cv_gold, filter_confidence(cv_pred, threshold))
        cv_meta = {"k": cv, "folds_run": cv_folds or cv, "thresholds": table}
        cv_meta.update(summary(report))
        cv_meta["mentions"] = mention_figures(cv_gold, cv_pred)
        progress(
            f"cross-validation: P {report.precision:.3f} R {report.recall:.3f} "
            f"F1 {report.f1:.3f} at threshold {threshold}"
        )
    fitted = fit(examples, out_dir, options, progress, clusters)
    meta: dict[str, Any] = {
        "name": "alliancemap-learned",
        "seed": options.seed,
        "threshold": threshold,
        "rule_hints": options.rule_hints,
        "tagger_iterations": options.tagger_iterations,
        "c": options.c,
        "calibration": calibration,
        "sources": sources or [],
        "clusters": _clusters_meta(clusters, clusters_source),
        "records": len(records),
        "candidate_recall_ceiling": round(reach / gold, 4) if gold else None,
        "cross_validation": cv_meta,
        "versions": _versions(),
        **fitted,
    }
    write_meta(out_dir, meta)
    if validation is not None:
        val_pred = predict(out_dir, validation)
        report = evaluate(list(validation), filter_confidence(val_pred, threshold))
        meta["validation"] = summary(report)
        meta["validation"]["mentions"] = mention_figures(validation, val_pred)
        progress(f"validation: P {report.precision:.3f} R {report.recall:.3f} F1 {report.f1:.3f}")
    meta["train_seconds"] = round(time.perf_counter() - t0, 1)
    write_meta(out_dir, meta)
    return meta


def _clusters_meta(
    clusters: WordClusters | None, source: dict[str, Any] | None
) -> dict[str, Any] | None:
    if clusters is None:
        return None
    return {"sizes": list(clusters.sizes), "words": len(clusters.ids), **(source or {})}


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for dist in ("numpy", "scipy", "scikit-learn", "python-crfsuite", "alliancemap"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = ""
    return out
