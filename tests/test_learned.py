"""The learned extractor: training, saving, loading and extracting end to end, and the model
the package ships, scored on dev (which it never trained on).

Training reads a slice of ../shared/eval/train.jsonl; those tests skip when it is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alliancemap.evaluate import evaluate, load_records
from alliancemap.extract.learned.calibration import calibrate, filter_confidence
from alliancemap.extract.learned.extractor import LearnedExtractor
from alliancemap.extract.learned.model_dir import DEFAULT_MODEL_DIR, read_meta
from alliancemap.extract.learned.tokens import tokenize
from alliancemap.extract.learned.training import fold_of
from alliancemap.extract_io import extract_in_memory
from alliancemap.model import Document, RelationType
from clirun import run_cli

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TRAIN = SHARED / "eval" / "train.jsonl"
DEV = SHARED / "eval" / "dev.jsonl"
needs_train = pytest.mark.skipif(not TRAIN.exists(), reason="../shared/eval/train.jsonl is absent")
needs_dev = pytest.mark.skipif(not DEV.exists(), reason="../shared/eval/dev.jsonl is absent")

# The shipped model scored F1 0.53 on dev when it was trained (meta.json); a model file that
# loads but has lost its weights falls far below this floor.
DEV_F1_FLOOR = 0.45


def _slice(tmp_path: Path, n: int) -> Path:
    lines = TRAIN.read_text(encoding="utf-8").splitlines()[:n]
    path = tmp_path / "slice.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained by the CLI on 150 training passages, with 2-fold cross-validation."""
    if not TRAIN.exists():
        pytest.skip("../shared/eval/train.jsonl is absent")
    tmp = tmp_path_factory.mktemp("tiny")
    data = _slice(tmp, 150)
    out = tmp / "model"
    proc = run_cli(
        "train", data, "-o", out, "--cv", "2", "--iterations", "3", "--seed", "7", "--json"
    )
    assert proc.returncode == 0, proc.stderr
    meta = json.loads(proc.stdout)
    assert meta["seed"] == 7
    assert "fold 2/2" in proc.stderr and "tagger iteration" not in proc.stdout
    return out


@needs_train
def test_train_writes_a_model_directory_with_its_manifest(tiny_model: Path) -> None:
    meta = read_meta(tiny_model)
    assert {p.name for p in tiny_model.iterdir()} >= {
        "meta.json",
        "tagger.crfsuite",
        "relations.npz",
    }
    (source,) = meta["sources"]
    assert source["records"] == 150 and len(source["sha256"]) == 64
    cv = meta["cross_validation"]
    assert cv["k"] == 2 and 0.0 <= cv["f1"] <= 1.0
    assert meta["threshold"] in [row["threshold"] for row in cv["thresholds"]]
    assert meta["pairs"] > meta["positive_pairs"] > 0
    assert 0.5 < meta["candidate_recall_ceiling"] <= 1.0
    assert meta["versions"]["scikit-learn"]


@needs_train
def test_trained_model_extracts_through_the_cli(tiny_model: Path, tmp_path: Path) -> None:
    text = (
        "Microsoft invested $10 billion in OpenAI in January 2023. "
        "Amazon is a rival of Google in cloud computing."
    )
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "d1", "text": text, "published": "2023-02-01"}) + "\n")
    out = tmp_path / "out.jsonl"
    proc = run_cli(
        "extract", src, "--extractor", "learned", "-o", out,
        env={"ALLIANCEMAP_LEARNED_MODEL": str(tiny_model)},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    (rec,) = [json.loads(line) for line in out.read_text().splitlines()]
    names = {e["name"] for e in rec["entities"]}
    assert {"Microsoft", "OpenAI"} <= names
    for rel in rec["relations"]:
        assert rel["evidence"] in text and 0.0 <= rel["confidence"] <= 1.0


@needs_train
def test_training_is_reproducible(tiny_model: Path, tmp_path: Path) -> None:
    data = _slice(tmp_path, 150)
    out = tmp_path / "again"
    proc = run_cli("train", data, "-o", out, "--cv", "2", "--iterations", "3", "--seed", "7")
    assert proc.returncode == 0, proc.stderr
    for name in ("relations.npz", "tagger.crfsuite"):
        assert (out / name).read_bytes() == (tiny_model / name).read_bytes(), name
    assert read_meta(out)["threshold"] == read_meta(tiny_model)["threshold"]


def test_train_refuses_bad_inputs_in_one_line(tmp_path: Path) -> None:
    keep = tmp_path / "notes"
    keep.mkdir()
    (keep / "mine.txt").write_text("not a model")
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "a", "text": "x", "entities": [], "relations": []}\n')
    bad_json = tmp_path / "bad.jsonl"
    bad_json.write_text("{not json\n")
    cases = [
        ((tmp_path / "missing.jsonl", "-o", tmp_path / "m"), "missing.jsonl"),
        ((f"{gold}:heavy", "-o", tmp_path / "m"), "gold.jsonl:heavy"),
        ((f"{gold}:0", "-o", tmp_path / "m"), "weight must be a positive number"),
        ((bad_json, "-o", tmp_path / "m"), "bad.jsonl"),
        ((gold, "-o", keep), "holds no model"),
        ((gold, "-o", tmp_path / "no" / "such" / "dir"), "no such directory"),
        ((gold, "--cv", "5", "-o", tmp_path / "m"), "more folds than the 1 passages"),
    ]
    for args, expected in cases:
        proc = run_cli("train", *args)
        assert proc.returncode == 1, (args, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:") and expected in lines[0], lines
    assert (keep / "mine.txt").read_text() == "not a model"
    assert not (tmp_path / "m").exists()


def test_folds_are_stable_and_balanced() -> None:
    recs = [{"id": f"r{i}"} for i in range(1000)]
    folds = [fold_of(r, 5, 0) for r in recs]
    assert folds == [fold_of(r, 5, 0) for r in recs]
    assert all(150 < folds.count(f) < 250 for f in range(5))
    assert folds != [fold_of(r, 5, 1) for r in recs]


def test_calibration_is_monotone_and_bounded() -> None:
    curve = {"raw": [0.3, 0.5, 0.8, 1.0], "calibrated": [0.4, 0.55, 0.9, 0.97]}
    values = [calibrate(x / 100, curve) for x in range(0, 101)]
    assert values == sorted(values)
    assert values[0] == 0.4 and values[-1] == 0.97
    assert calibrate(0.42, None) == 0.42


def test_tokens_keep_offsets_and_split_possessives() -> None:
    text = "Nvidia’s chips power Run:ai's platform (U.S.-based)."
    toks = tokenize(text)
    assert all(text[t.start : t.end] == t.text for t in toks)
    assert "’s" in [t.text for t in toks] or "’" in [t.text for t in toks]


# ---------------------------------------------------------------- the shipped model


@pytest.fixture(scope="module")
def shipped() -> LearnedExtractor:
    return LearnedExtractor(DEFAULT_MODEL_DIR)


def test_shipped_model_is_small_and_documented() -> None:
    size = sum(p.stat().st_size for p in DEFAULT_MODEL_DIR.iterdir())
    assert size < 30e6
    meta = read_meta(DEFAULT_MODEL_DIR)
    assert meta["sources"][0]["file"] == "train.jsonl"
    assert meta["cross_validation"]["k"] == 5
    assert meta["validation"]["f1"] >= DEV_F1_FLOOR
    # word clusters learned from the corpus ship with it (see test_wordclusters.py)
    assert meta["clusters"]["words"] > 50_000 and (DEFAULT_MODEL_DIR / "clusters.tsv.gz").is_file()


@needs_dev
def test_shipped_model_scores_above_its_floor_on_dev(shipped: LearnedExtractor) -> None:
    gold = load_records(DEV)
    preds = extract_in_memory(shipped, gold)
    report = evaluate(gold, preds)
    assert report.f1 >= DEV_F1_FLOOR, report.summary_lines()
    assert report.entity_recall >= 0.85
    strict = evaluate(gold, filter_confidence(preds, 0.8))
    assert strict.precision >= report.precision


def test_shipped_model_reads_organizations_it_has_never_seen(shipped: LearnedExtractor) -> None:
    # Made-up names: no list holds them, so only context can say what they are.
    text = (
        "Quorvane Robotics bought Teslin Dynamics for $2.4 billion. "
        "The deal gives Quorvane Robotics a foothold in warehouse automation."
    )
    ext = shipped.extract(Document(text=text, id="new", published="2024-03-05"))
    assert {"Quorvane Robotics", "Teslin Dynamics"} <= {e.name for e in ext.entities}
    (claim,) = [c for c in ext.claims if c.type is RelationType.ACQUISITION]
    assert (claim.subject, claim.object) == ("Quorvane Robotics", "Teslin Dynamics")
    assert claim.value_usd == pytest.approx(2.4e9)
    assert claim.evidence == "Quorvane Robotics bought Teslin Dynamics for $2.4 billion."
    assert text[claim.evidence_start : claim.evidence_end] == claim.evidence


def test_shipped_model_joins_a_list_of_investors_to_the_company_before(
    shipped: LearnedExtractor,
) -> None:
    text = (
        "Marlowe Systems raised $30 million in a series B round. "
        "Investors include Halvorsen Capital, Brightwater Ventures and Okafor Partners."
    )
    ext = shipped.extract(Document(text=text, id="list", published="2024-03-05"))
    pairs = {(c.subject, c.object) for c in ext.claims if c.type is RelationType.INVESTMENT}
    investors = {"Halvorsen Capital", "Brightwater Ventures", "Okafor Partners"}
    assert pairs == {(name, "Marlowe Systems") for name in investors}


def test_shipped_model_ignores_talks_and_denials(shipped: LearnedExtractor) -> None:
    text = (
        "Quorvane Robotics is in talks to acquire Teslin Dynamics, people familiar with the "
        "matter said. Teslin Dynamics denied that it would be sold to Quorvane Robotics."
    )
    ext = shipped.extract(Document(text=text, id="hedged"))
    assert not [c for c in ext.claims if c.type is RelationType.ACQUISITION]


def test_threshold_prefers_precision_where_f1_is_flat() -> None:
    from alliancemap.extract.learned.training import pick_threshold

    table = [
        {"threshold": 0.2, "f1": 0.416},
        {"threshold": 0.3, "f1": 0.412},
        {"threshold": 0.4, "f1": 0.400},
        {"threshold": 0.5, "f1": 0.380},
    ]
    assert pick_threshold(table) == 0.3
    assert pick_threshold([{"threshold": 0.2, "f1": 0.5}, {"threshold": 0.6, "f1": 0.1}]) == 0.2


@needs_train
def test_evaluate_cv_scores_held_out_folds(tmp_path: Path) -> None:
    data = _slice(tmp_path, 120)
    proc = run_cli("evaluate", data, "--cv", "2", "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["gold"] > 0 and "per_type" in report
    assert "fold 2/2" in proc.stderr
    bad = run_cli("evaluate", data, "--cv", "2", "--pred", data)
    assert bad.returncode == 1 and "takes no --pred" in bad.stderr
