"""Word clusters from unlabelled text, the tagger's features from them, and name propagation
within a document: the parts of the learned extractor that reach names no label shows."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest

from alliancemap.extract.gazetteer import Gazetteer
from alliancemap.extract.learned.mentions import _propagate, sentence_views
from alliancemap.extract.learned.model_dir import read_meta
from alliancemap.extract.learned.tagger import TaggedSpan, token_features
from alliancemap.extract.learned.tokens import tokenize
from alliancemap.extract.learned.wordclusters import CLUSTERS_FILE, WordClusters, learn_clusters
from clirun import run_cli

TRAIN = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "train.jsonl"

# Invented firms and towns, used in the contexts news gives each kind of word.
FIRMS = ["Zorvia", "Quentrix", "Halvane", "Brimstead", "Olvexa", "Tarnwell"]
TOWNS = ["Pellsby", "Varnholt", "Quimere", "Dusktow", "Ellwick", "Hornvale"]
FIRM_FRAMES = [
    "{x} said on Monday that it would hire more engineers .",
    "shares of {x} rose after the results .",
    "{x} announced a new chip for data centres .",
    "a spokesperson for {x} declined to comment .",
]
TOWN_FRAMES = [
    "the office in {x} opened last year .",
    "people who live in {x} pay less rent .",
    "a storm hit {x} on Tuesday night .",
    "the mayor of {x} spoke to reporters .",
]


def _corpus(seed: int = 3, n: int = 600) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        frames, names = (FIRM_FRAMES, FIRMS) if rng.random() < 0.5 else (TOWN_FRAMES, TOWNS)
        texts.append(" ".join(rng.choice(frames).format(x=rng.choice(names)) for _ in range(3)))
    return texts


@pytest.fixture(scope="module")
def clusters() -> WordClusters:
    texts = _corpus()
    return learn_clusters(lambda: iter(texts), min_count=2, dims=8, sizes=(2, 8), seed=0)


def test_words_used_alike_share_a_cluster(clusters: WordClusters) -> None:
    coarse = {w: clusters.ids[w][0] for w in FIRMS + TOWNS}
    assert len({coarse[w] for w in FIRMS}) == 1
    assert len({coarse[w] for w in TOWNS}) == 1
    assert coarse[FIRMS[0]] != coarse[TOWNS[0]]


def test_unknown_words_get_one_feature_and_known_words_every_granularity(
    clusters: WordClusters,
) -> None:
    assert clusters.features("", "Nowhereco") == ("c=unk",)
    feats = clusters.features("-1:", "Zorvia")
    assert [f.split("=")[0] for f in feats] == ["-1:c2", "-1:c8"]


def test_tagger_features_carry_the_clusters_of_token_and_neighbours(
    clusters: WordClusters,
) -> None:
    tokens = tokenize("Zorvia said on Monday")
    plain = token_features(tokens, ["O"] * len(tokens))
    with_clusters = token_features(tokens, ["O"] * len(tokens), clusters)
    added = set(with_clusters[1]) - set(plain[1])
    cid = clusters.ids["Zorvia"]
    assert f"-1:c2={cid[0]}" in added and f"-1:c8={cid[1]}" in added
    assert any(f.startswith("c2=") for f in added)


def test_clusters_are_reproducible_and_round_trip(clusters: WordClusters, tmp_path: Path) -> None:
    texts = _corpus()
    again = learn_clusters(lambda: iter(texts), min_count=2, dims=8, sizes=(2, 8), seed=0)
    a, b = tmp_path / "a.tsv.gz", tmp_path / "b.tsv.gz"
    clusters.save(a)
    again.save(b)
    assert a.read_bytes() == b.read_bytes()
    assert WordClusters.load(a) == clusters


def test_a_file_that_is_not_a_cluster_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv.gz"
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(ValueError, match="bad.tsv.gz: not a word-cluster file"):
        WordClusters.load(bad)
    headless = tmp_path / "headless.tsv.gz"
    headless.write_bytes(gzip.compress(b"Zorvia\t1\t2\n"))
    with pytest.raises(ValueError, match="headless.tsv.gz"):
        WordClusters.load(headless)


def test_too_little_text_is_an_error_not_a_crash() -> None:
    with pytest.raises(ValueError, match="too little text"):
        learn_clusters(lambda: iter(["one line only"]), sizes=(32,))


def _doc(text: str) -> tuple[str, list]:
    return text, sentence_views(text, Gazetteer())


def test_a_sure_name_is_found_wherever_the_document_repeats_it() -> None:
    text = "Quentrix hired ten people. Later, Quentrix moved to Pellsby. Quentrixes are not."
    text, views = _doc(text)
    first = TaggedSpan(0, 8, "ORG", 0.93)
    covered = {i: [] for i in range(len(views))}
    covered[0].append((0, 8))
    added = _propagate(text, views, [(first, 0, None)], covered)
    assert [(text[s.start : s.end], s.confidence, idx) for s, idx, _ in added] == [
        ("Quentrix", 0.93, 1)
    ]


def test_unsure_lowercase_or_already_covered_names_are_not_propagated() -> None:
    text, views = _doc("Halvane grew. Halvane fell. the widget shipped. A widget broke.")
    covered = {i: [] for i in range(len(views))}
    unsure = TaggedSpan(0, 7, "ORG", 0.6)
    assert _propagate(text, views, [(unsure, 0, None)], covered) == []
    start = text.index("widget")
    lower = TaggedSpan(start, start + 6, "ORG", 0.99)
    assert _propagate(text, views, [(lower, 2, None)], covered) == []
    sure = TaggedSpan(0, 7, "ORG", 0.95)
    second = text.index("Halvane", 1)
    covered[0].append((0, 7))  # the sure span itself
    covered[1].append((second, second + 12))  # something else was found there
    assert _propagate(text, views, [(sure, 0, None)], covered) == []


@pytest.mark.skipif(not TRAIN.exists(), reason="../shared/eval/train.jsonl is absent")
def test_cli_learns_clusters_and_train_ships_them_in_the_model(tmp_path: Path) -> None:
    lines = TRAIN.read_text(encoding="utf-8").splitlines()[:120]
    data = tmp_path / "slice.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "clusters.tsv.gz"
    proc = run_cli("word-clusters", data, "-o", out, "--sizes", "8,32")
    assert proc.returncode == 0, proc.stderr
    learned = WordClusters.load(out)
    assert learned.sizes == (8, 32) and len(learned.ids) > 500
    model = tmp_path / "model"
    proc = run_cli("train", data, "-o", model, "--cv", "0", "--iterations", "3", "--clusters", out)
    assert proc.returncode == 0, proc.stderr
    assert (model / CLUSTERS_FILE).read_bytes() == out.read_bytes()
    meta = read_meta(model)
    assert meta["clusters"]["sizes"] == [8, 32] and len(meta["clusters"]["sha256"]) == 64
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"id": "d1", "text": json.loads(lines[0])["text"]}) + "\n")
    proc = run_cli(
        "extract", docs, "-o", tmp_path / "out.jsonl", env={"ALLIANCEMAP_LEARNED_MODEL": model}
    )
    assert proc.returncode == 0, proc.stderr


def test_cli_word_clusters_rejects_bad_arguments_in_one_line(tmp_path: Path) -> None:
    missing = run_cli("word-clusters", tmp_path / "nope.jsonl", "-o", tmp_path / "c.tsv.gz")
    assert missing.returncode != 0 and "nope.jsonl" in missing.stderr
    text = tmp_path / "t.txt"
    text.write_text("Zorvia said hello.\n")
    bad = run_cli("word-clusters", text, "-o", tmp_path / "c.tsv.gz", "--sizes", "a,b")
    assert bad.returncode != 0 and "--sizes" in bad.stderr
    few = run_cli("word-clusters", text, "-o", tmp_path / "c.tsv.gz")
    assert few.returncode != 0 and "too little text" in few.stderr
    assert not (tmp_path / "c.tsv.gz").exists()
    bad_train = run_cli("train", text, "-o", tmp_path / "m", "--clusters", text)
    assert bad_train.returncode != 0
