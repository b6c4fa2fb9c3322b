"""Multinomial logistic regression over hashed feature strings, stored quantised.

Hashing (crc32, stable across runs and machines) keeps the model a fixed-size matrix
without a vocabulary file; weights are stored as int8 with one scale per class, so the
model is a few MB and inference is a sparse matrix product in numpy.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from alliancemap.extract.learned.labels import CLASSES

DIM_BITS = 18


def hash_rows(rows: Sequence[Sequence[str]], bits: int = DIM_BITS) -> sparse.csr_matrix:
    """A binary-count sparse matrix of hashed features, one row per example."""
    mask = (1 << bits) - 1
    indptr = [0]
    indices: list[int] = []
    for feats in rows:
        indices.extend(zlib.crc32(f.encode("utf-8")) & mask for f in feats)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    x = sparse.csr_matrix(
        (data, np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
        shape=(len(rows), 1 << bits),
    )
    x.sum_duplicates()
    return x


class RelationModel:
    """Class weights (classes x features) and intercepts; `proba` gives class probabilities."""

    def __init__(self, weights: np.ndarray, intercept: np.ndarray, bits: int = DIM_BITS):
        self.weights = weights.astype(np.float32)
        self.intercept = intercept.astype(np.float32)
        self.bits = bits

    def proba(self, rows: Sequence[Sequence[str]]) -> np.ndarray:
        """Class probabilities (examples x classes), in the order of `labels.CLASSES`."""
        if not rows:
            return np.zeros((0, len(CLASSES)), dtype=np.float32)
        x = hash_rows(rows, self.bits)
        scores = np.asarray(x @ self.weights.T) + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        return e / e.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        """Write int8 weights with per-class scales (lossy, about 1/4 of float32)."""
        scale = np.abs(self.weights).max(axis=1) / 127.0
        scale[scale == 0] = 1.0
        q = np.round(self.weights / scale[:, None]).astype(np.int8)
        with open(path, "wb") as fh:
            np.savez_compressed(
                fh, weights=q, scale=scale, intercept=self.intercept, bits=np.int64(self.bits)
            )

    @classmethod
    def load(cls, path: Path) -> RelationModel:
        with np.load(path) as z:
            w = z["weights"].astype(np.float32) * z["scale"][:, None]
            return cls(w, z["intercept"], int(z["bits"]))


def fit_relation_model(
    rows: Sequence[Sequence[str]],
    labels: Sequence[str],
    weights: Sequence[float] | None = None,
    *,
    c: float = 0.5,
    seed: int = 0,
    max_iter: int = 400,
) -> RelationModel:
    """Fit L2-regularised multinomial logistic regression (every class always present)."""
    from sklearn.linear_model import LogisticRegression

    x = hash_rows(rows)
    y = np.asarray([CLASSES.index(lab) for lab in labels])
    sw = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    # Give classes absent from this sample one empty example, so the matrix is always full.
    missing = [i for i in range(len(CLASSES)) if i not in set(y.tolist())]
    if missing:
        x = sparse.vstack([x, sparse.csr_matrix((len(missing), x.shape[1]), dtype=np.float32)])
        y = np.concatenate([y, missing])
        sw = np.concatenate([sw, np.full(len(missing), 1e-6)])
    clf = LogisticRegression(C=c, max_iter=max_iter, random_state=seed)
    clf.fit(x, y, sample_weight=sw)
    order = np.argsort(clf.classes_)
    return RelationModel(clf.coef_[order], clf.intercept_[order])
