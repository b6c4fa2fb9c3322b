"""The learning commands: `train` a learned-extractor model, `evaluate --cv` uses its folds.

Registered on the main `app` when `alliancemap.cli` loads. Progress lines go to stderr with
the seconds elapsed; the manifest (meta.json) in the model directory keeps every figure.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from alliancemap import cli_output as show
from alliancemap.cli import JsonOption, app, check_inputs
from alliancemap.errors import AllianceMapError


def parse_weighted(arg: str) -> tuple[Path, float]:
    """`FILE` or `FILE:WEIGHT` (weight > 0); a file whose name has a colon still reads whole."""
    path, weight = Path(arg), 1.0
    if not path.exists() and ":" in arg:
        head, _, tail = arg.rpartition(":")
        try:
            weight = float(tail)
        except ValueError:
            raise AllianceMapError(f"{arg}: no such file") from None
        path = Path(head)
        if not weight > 0:
            raise AllianceMapError(f"{arg}: weight must be a positive number")
    return path, weight


def check_model_output(path: Path) -> None:
    """Refuse to write a model over a file or into a non-empty directory that is not a model."""
    if path.exists() and not path.is_dir():
        raise AllianceMapError(f"{path}: exists and is not a directory")
    if path.is_dir() and any(path.iterdir()) and not (path / "meta.json").is_file():
        raise AllianceMapError(f"{path}: directory is not empty and holds no model (meta.json)")
    if not path.parent.is_dir():
        raise AllianceMapError(f"{path.parent}: no such directory")


def _progress() -> tuple[float, object]:
    started = time.perf_counter()

    def say(message: str) -> None:
        show.err.print(f"[{time.perf_counter() - started:6.0f}s] {message}", markup=False)

    return started, say


def cross_validated_predictions(records: list[dict], k: int, seed: int) -> list[dict]:
    """Held-out predictions of every passage by a model trained on the other K-1 folds,
    at the shipped model's settings (threshold, rule hints, word clusters), for
    `evaluate --cv`."""
    from alliancemap.extract.learned.calibration import filter_confidence
    from alliancemap.extract.learned.model_dir import DEFAULT_MODEL_DIR, read_meta
    from alliancemap.extract.learned.training import (
        DEFAULT_THRESHOLD,
        TrainOptions,
        build_examples,
        cross_validate,
    )

    try:
        meta = read_meta(DEFAULT_MODEL_DIR)
    except FileNotFoundError:
        meta = {}
    options = TrainOptions(
        seed=seed,
        tagger_iterations=int(meta.get("tagger_iterations", TrainOptions.tagger_iterations)),
        rule_hints=bool(meta.get("rule_hints", True)),
    )
    from alliancemap.extract.learned.wordclusters import CLUSTERS_FILE, WordClusters

    shipped = DEFAULT_MODEL_DIR / CLUSTERS_FILE
    clusters = WordClusters.load(shipped) if shipped.is_file() else None
    _, say = _progress()
    weighted = [(r, 1.0) for r in records]
    examples = build_examples(weighted, options, say, clusters)
    _, preds = cross_validate(weighted, examples, k, options, say, clusters=clusters)
    return filter_confidence(preds, float(meta.get("threshold", DEFAULT_THRESHOLD)))


def _load_clusters(path: str | None) -> tuple[object | None, dict | None]:
    """Word clusters of `--clusters` and their manifest entry, or (None, None)."""
    if path is None:
        return None, None
    from alliancemap.extract.learned.training import file_sha256
    from alliancemap.extract.learned.wordclusters import WordClusters

    file = Path(path)
    if not file.is_file():
        raise AllianceMapError(f"{file}: no such file")
    try:
        loaded = WordClusters.load(file)
    except ValueError as err:
        raise AllianceMapError(str(err)) from None
    return loaded, {"file": file.name, "sha256": file_sha256(file)}


@app.command("word-clusters")
def word_clusters(
    corpus: Annotated[
        list[Path], typer.Argument(help="Unlabelled text: files or directories of any format.")
    ],
    output: Annotated[str, typer.Option("-o", "--output", help="Cluster file (.tsv.gz).")],
    min_count: Annotated[
        int, typer.Option("--min-count", min=1, help="Cluster words seen this often.")
    ] = 2,
    sizes: Annotated[
        str, typer.Option("--sizes", help="Cluster counts, coarse to fine, comma-separated.")
    ] = "32,128,512,2048",
    seed: Annotated[int, typer.Option("--seed", help="Seed of SVD and k-means.")] = 0,
) -> None:
    """Learn word clusters from unlabelled news, features that let the tagger generalise."""
    from alliancemap.atomic import atomic_write
    from alliancemap.extract.learned.wordclusters import learn_clusters
    from alliancemap.ingest import read_documents

    try:
        counts = tuple(int(x) for x in sizes.split(","))
    except ValueError:
        raise AllianceMapError(f"--sizes {sizes!r}: expected numbers such as 32,128,512") from None
    if not counts or min(counts) < 2:
        raise AllianceMapError(f"--sizes {sizes!r}: every size must be at least 2")
    check_inputs([str(p) for p in corpus])  # a bad path fails before the long run starts

    def texts():
        for path in corpus:
            for doc in read_documents(path):
                yield doc.text

    _, say = _progress()
    try:
        result = learn_clusters(texts, min_count=min_count, sizes=counts, seed=seed, progress=say)
    except ValueError as err:
        raise AllianceMapError(f"{', '.join(map(str, corpus))}: {err}") from None
    with atomic_write(output, "wb") as fh:
        result.save_to(fh)
    show.err.print(f"wrote {output} ({len(result.ids)} words)", markup=False)


@app.command()
def train(
    gold: Annotated[
        list[str], typer.Argument(help="Gold JSON-lines files, each FILE or FILE:WEIGHT.")
    ],
    output: Annotated[str, typer.Option("-o", "--output", help="Model directory to write.")],
    cv: Annotated[
        int, typer.Option("--cv", min=0, help="K-fold cross-validation first (0: none).")
    ] = 5,
    cv_folds: Annotated[
        int | None, typer.Option("--cv-folds", min=1, help="Run only the first N folds.")
    ] = None,
    validate: Annotated[
        str | None, typer.Option("--validate", help="Score this gold file (never trained on).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of folds and training.")] = 0,
    iterations: Annotated[
        int, typer.Option("--iterations", min=1, help="Name-tagger training iterations.")
    ] = 40,
    rule_hints: Annotated[
        bool, typer.Option("--rule-hints/--no-rule-hints", help="`rules` verdicts as features.")
    ] = True,
    clusters: Annotated[
        str | None,
        typer.Option("--clusters", help="Word clusters for the tagger (`word-clusters -o`)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Train the `learned` extractor's model on annotated passages; write MODEL_DIR."""
    from alliancemap.evaluate import load_records
    from alliancemap.extract.learned.training import TrainOptions, file_sha256
    from alliancemap.extract.learned.training import train as run

    out = Path(output)
    check_model_output(out)
    inputs = [parse_weighted(g) for g in gold]
    records, sources = [], []
    for path, weight in inputs:
        recs = load_records(path)
        records.extend((r, weight) for r in recs)
        sources.append(
            {"file": path.name, "sha256": file_sha256(path), "records": len(recs), "weight": weight}
        )
    if cv and cv > len(records):
        raise AllianceMapError(f"--cv {cv}: more folds than the {len(records)} passages")
    if cv_folds and cv_folds > cv:
        raise AllianceMapError(f"--cv-folds {cv_folds}: more than --cv {cv}")
    validation = load_records(validate) if validate else None
    if validate:
        sources.append(
            {
                "file": Path(validate).name,
                "sha256": file_sha256(Path(validate)),
                "role": "validation",
            }
        )
    word_clusters, clusters_source = _load_clusters(clusters)
    _, say = _progress()
    options = TrainOptions(seed=seed, tagger_iterations=iterations, rule_hints=rule_hints)
    meta = run(
        records,
        out,
        options=options,
        cv=cv,
        cv_folds=cv_folds,
        validation=validation,
        sources=sources,
        clusters=word_clusters,
        clusters_source=clusters_source,
        progress=say,
    )
    if as_json:
        show.print_json(meta)
        return
    rows = []
    for name, figures in (
        ("cross-validation", meta.get("cross_validation")),
        ("validation", meta.get("validation")),
    ):
        if figures:
            names = figures.get("mentions") or {}
            rows.append(
                [
                    name,
                    f"{figures['precision']:.3f}",
                    f"{figures['recall']:.3f}",
                    f"{figures['f1']:.3f}",
                    f"{names.get('recall_in_kb') or 0:.2f}",
                    f"{names.get('recall_not_in_kb') or 0:.2f}",
                ]
            )
    if rows:
        show.out.print(
            show.table(
                f"model {out}", ["set", "P", "R", "F1", "names in KB", "names not in KB"], rows
            )
        )
    show.out.print(
        f"wrote {out} (threshold {meta['threshold']}, {meta['train_seconds']:.0f}s)", markup=False
    )
