"""A CRF that labels organization, product and person names token by token (BIO).

It learns from the shape and context of names (capitals, suffixes such as "Inc" or
"Technologies", the words around them), so it finds organizations no list knows; a match in
the knowledge base is one feature among many, not the decision.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycrfsuite

from alliancemap.extract.learned.tokens import Token, shape
from alliancemap.extract.learned.wordclusters import WordClusters

LABELS = ("ORG", "PRODUCT", "PERSON")


@dataclass(frozen=True, slots=True)
class TaggedSpan:
    start: int  # character offsets in the document
    end: int
    label: str
    confidence: float


@lru_cache(maxsize=1 << 18)
def _word_features(prefix: str, word: str) -> tuple[str, ...]:
    low = word.lower()
    return (f"{prefix}w={low}", f"{prefix}sh={shape(word)}")


@lru_cache(maxsize=1 << 18)
def _own_features(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A word's own features, before and after its KB tag; cached, since news repeats words."""
    low = word.lower()
    before = (
        f"w={low}",
        f"sh={shape(word)}",
        f"p3={low[:3]}",
        f"s3={low[-3:]}",
        f"s2={low[-2:]}",
        f"len={min(len(word), 8)}",
    )
    after = []
    if word[:1].isupper():
        after.append("title")
    if word.isupper() and len(word) > 1:
        after.append("upper")
    if any(c.isdigit() for c in word):
        after.append("digit")
    return before, tuple(after)


def token_features(
    tokens: Sequence[Token], kb_tags: Sequence[str], clusters: WordClusters | None = None
) -> list[list[str]]:
    """The CRF's features for every token of one sentence (with word clusters when given)."""
    n = len(tokens)
    words = [t.text for t in tokens]
    lows = [w.lower() for w in words]
    out: list[list[str]] = []
    for i, w in enumerate(words):
        before, after = _own_features(w)
        f = ["bias", *before, f"kb={kb_tags[i]}", *after]
        if i == 0:
            f.append("first")
        if i == n - 1:
            f.append("last")
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < n:
                f.extend(_word_features(f"{d}:", words[j]))
                if abs(d) == 1:
                    f.append(f"{d}:kb={kb_tags[j]}")
            else:
                f.append(f"{d}:pad")
        if i > 0:
            f.append(f"bi-={lows[i - 1]}|{lows[i]}")
        if i < n - 1:
            f.append(f"bi+={lows[i]}|{lows[i + 1]}")
        if clusters is not None:
            f.extend(_cluster_features(words, i, clusters))
        out.append(f)
    return out


def _cluster_features(words: Sequence[str], i: int, clusters: WordClusters) -> list[str]:
    """Clusters of the token and its neighbours: every granularity at distance 0 and 1, the
    second coarsest at distance 2."""
    f = list(clusters.features("", words[i]))
    coarse = clusters.sizes[min(1, len(clusters.sizes) - 1)]
    for d in (-2, -1, 1, 2):
        j = i + d
        if not 0 <= j < len(words):
            continue
        near = clusters.features(f"{d}:", words[j])
        if abs(d) == 1:
            f.extend(near)
        else:
            f.extend(x for x in near if x.startswith(f"{d}:c{coarse}="))
    return f


def bio_labels(tokens: Sequence[Token], spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """BIO labels of tokens from character spans (a token inside a span takes its label)."""
    labels = ["O"] * len(tokens)
    for start, end, label in spans:
        inside = [i for i, t in enumerate(tokens) if t.start >= start and t.end <= end]
        for k, i in enumerate(inside):
            labels[i] = ("B-" if k == 0 else "I-") + label
    return labels


def spans_from_labels(
    tokens: Sequence[Token], labels: Sequence[str], marginals: Sequence[float]
) -> list[TaggedSpan]:
    """Character spans of BIO runs, with the lowest token marginal as the span's confidence."""
    spans: list[TaggedSpan] = []
    cur: list[int] = []
    cur_label = ""

    def close() -> None:
        if cur:
            a, b = tokens[cur[0]], tokens[cur[-1]]
            conf = min(marginals[i] for i in cur)
            spans.append(TaggedSpan(a.start, b.end, cur_label, conf))

    for i, lab in enumerate(labels):
        if lab == "O":
            close()
            cur, cur_label = [], ""
            continue
        kind, label = lab.split("-", 1)
        if kind == "B" or label != cur_label:
            close()
            cur, cur_label = [i], label
        else:
            cur.append(i)
    close()
    return spans


def train_tagger(
    sequences: Iterable[tuple[list[list[str]], list[str]]],
    path: Path,
    *,
    max_iterations: int = 60,
    c1: float = 0.05,
    c2: float = 0.02,
    on_iteration: Callable[[int, float], object] | None = None,
) -> Path:
    """Fit a CRF on (features, labels) sentences and write it to `path`.

    `on_iteration(number, loss)` is called after every L-BFGS iteration."""
    trainer = _Trainer(verbose=False)
    trainer.report = on_iteration
    for feats, labels in sequences:
        trainer.append(feats, labels)
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": max_iterations,
            "feature.minfreq": 2,
            "feature.possible_transitions": True,
        }
    )
    trainer.train(str(path))
    return path


class _Trainer(pycrfsuite.Trainer):
    report: Callable[[int, float], object] | None = None

    def message(self, message: str) -> None:
        """Report iterations from crfsuite's log, print nothing."""
        event = self.logparser.feed(message)
        if event == "iteration" and self.report is not None:
            info = self.logparser.last_iteration
            self.report(int(info.get("num", 0)), float(info.get("loss", 0.0)))


class NameTagger:
    """A trained CRF, loaded from its model file."""

    def __init__(self, path: Path, clusters: WordClusters | None = None) -> None:
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(path))
        self.clusters = clusters

    def tag(self, tokens: Sequence[Token], kb_tags: Sequence[str]) -> list[TaggedSpan]:
        """Name spans of one sentence's tokens."""
        if not tokens:
            return []
        tagger = self._tagger
        tagger.set(token_features(tokens, kb_tags, self.clusters))
        labels = tagger.tag()
        marginals = [tagger.marginal(lab, i) for i, lab in enumerate(labels)]
        return spans_from_labels(tokens, labels, marginals)
