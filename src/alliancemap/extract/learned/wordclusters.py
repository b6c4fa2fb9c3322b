"""Word clusters learned from unlabelled news: words used in the same contexts share an id.

A name the annotated passages never show ("Kubiya") still lands in the cluster of the
startups the news talks about the same way, so the tagger can recognise it from the company
it keeps. The clusters come from co-occurrence alone (neighbour words, PPMI, SVD, k-means);
no label, name list or annotation enters them.
"""

from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

from alliancemap.extract.learned.tokens import _TOKEN

CLUSTERS_FILE = "clusters.tsv.gz"
DEFAULT_SIZES = (32, 128, 512, 2048)
_CONTEXT_WORDS = 2000  # the commonest words serve as contexts
_OFFSETS = (-2, -1, 1, 2)


@dataclass(frozen=True, slots=True)
class WordClusters:
    sizes: tuple[int, ...]  # number of clusters of each granularity, coarse to fine
    ids: dict[str, tuple[int, ...]]  # word (exact case) -> its cluster at each granularity

    _memo: dict[tuple[str, str], tuple[str, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def features(self, prefix: str, word: str) -> tuple[str, ...]:
        """The word's cluster features (`{prefix}c{size}={id}`), or one for an unknown word;
        remembered, since the tagger asks for the same words again and again."""
        key = (prefix, word)
        found = self._memo.get(key)
        if found is None:
            ids = self.ids.get(word)
            if ids is None:
                found = (f"{prefix}c=unk",)
            else:
                found = tuple(
                    f"{prefix}c{size}={cid}" for size, cid in zip(self.sizes, ids, strict=True)
                )
            if len(self._memo) < 1 << 18:
                self._memo[key] = found
        return found

    def save(self, path: Path) -> None:
        """Write the clusters to `path` (see `save_to`)."""
        with open(path, "wb") as raw:
            self.save_to(raw)

    def save_to(self, raw: BinaryIO) -> None:
        """Write a gzip TSV: a header with the sizes, then `word<TAB>id...` by word."""
        lines = ["#sizes\t" + "\t".join(map(str, self.sizes))]
        lines += [w + "\t" + "\t".join(map(str, ids)) for w, ids in sorted(self.ids.items())]
        # no name, mtime=0: the same clusters write the same bytes wherever they go
        with gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as fh:
            fh.write(("\n".join(lines) + "\n").encode("utf-8"))

    @classmethod
    def load(cls, path: Path) -> WordClusters:
        """Read a file written by `save`; a one-line error names a file that is not one."""
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                header = fh.readline().rstrip("\n").split("\t")
                if header[0] != "#sizes":
                    raise ValueError("no #sizes header")
                sizes = tuple(int(x) for x in header[1:])
                ids = {}
                for line in fh:
                    word, *rest = line.rstrip("\n").split("\t")
                    ids[word] = tuple(int(x) for x in rest)
        except (OSError, ValueError, EOFError) as err:
            raise ValueError(f"{path}: not a word-cluster file ({err})") from None
        return cls(sizes, ids)


def learn_clusters(
    texts: Callable[[], Iterable[str]],
    *,
    min_count: int = 2,
    dims: int = 100,
    sizes: Sequence[int] = DEFAULT_SIZES,
    seed: int = 0,
    progress: Callable[[str], object] = lambda _msg: None,
) -> WordClusters:
    """Cluster every word seen `min_count` times in `texts()` (called twice: count, then count
    contexts). Seeded: the same texts give the same clusters."""
    from scipy import sparse
    from sklearn.cluster import MiniBatchKMeans

    counts: Counter[str] = Counter()
    for text in texts():
        counts.update(_TOKEN.findall(text))
    vocab = [w for w, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c >= min_count]
    index = {w: i for i, w in enumerate(vocab)}
    progress(f"word clusters: {len(vocab)} words seen {min_count}+ times")
    n_ctx = min(_CONTEXT_WORDS, len(vocab))
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for text in texts():
        ids = np.fromiter((index.get(w, -1) for w in _TOKEN.findall(text)), dtype=np.int64)
        for k, off in enumerate(_OFFSETS):
            if len(ids) <= abs(off):
                continue
            word, ctx = (ids[-off:], ids[:off]) if off < 0 else (ids[:-off], ids[off:])
            keep = (word >= 0) & (ctx >= 0) & (ctx < n_ctx)
            rows.append(word[keep])
            cols.append(ctx[keep] + k * n_ctx)
    if not rows or len(vocab) < max(sizes):
        raise ValueError(f"too little text for word clusters ({len(vocab)} words)")
    r, c = np.concatenate(rows), np.concatenate(cols)
    shape = (len(vocab), len(_OFFSETS) * n_ctx)
    cooc = sparse.coo_matrix((np.ones(len(r), dtype=np.float64), (r, c)), shape=shape).tocsr()
    vectors = _ppmi_svd(cooc, dims, seed)
    progress(f"word clusters: {dims}-dimensional vectors from {cooc.nnz} co-occurrences")
    labels = []
    for size in sizes:
        km = MiniBatchKMeans(size, random_state=seed, batch_size=4096, n_init=3)
        labels.append(km.fit(vectors).labels_)
        progress(f"word clusters: {size} clusters")
    return WordClusters(
        tuple(sizes), {w: tuple(int(lab[i]) for lab in labels) for i, w in enumerate(vocab)}
    )


def _ppmi_svd(cooc, dims: int, seed: int) -> np.ndarray:
    """Unit-length SVD vectors of the positive PMI of a word-by-context count matrix."""
    from scipy import sparse
    from sklearn.decomposition import TruncatedSVD

    total = cooc.sum()
    word_p = np.asarray(cooc.sum(1)).ravel() / total
    ctx_p = np.asarray(cooc.sum(0)).ravel() ** 0.75  # smoothed, as is usual for PMI
    ctx_p /= ctx_p.sum()
    m = cooc.tocoo()
    pmi = np.log((m.data / total) / (word_p[m.row] * ctx_p[m.col]))
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (m.row[keep], m.col[keep])), shape=m.shape)
    dims = min(dims, ppmi.shape[1] - 1)
    vectors = TruncatedSVD(dims, random_state=seed).fit_transform(ppmi)
    return vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9)
