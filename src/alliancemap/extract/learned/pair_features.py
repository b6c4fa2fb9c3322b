"""Features of a candidate pair: the words between and around its names, the sentence's
words (hedges, triggers), what each name is, and for a pair across sentences how the
outside organization is referred to."""

from __future__ import annotations

from bisect import bisect_left

from alliancemap.extract.learned.candidates import Candidate
from alliancemap.extract.learned.mentions import DocMention, SentenceView

MAX_BETWEEN = 10
_ANAPHORS = frozenset(
    "it its they their the company firm startup group giant maker company's".split()
)


def _token_span(view: SentenceView, m: DocMention) -> tuple[int, int]:
    starts = [t.start for t in view.tokens]
    i = bisect_left(starts, m.start)
    j = i
    while j < len(view.tokens) and view.tokens[j].end <= m.end:
        j += 1
    return i, max(j, i + 1)


def _words(view: SentenceView, marks: dict[int, str]) -> list[str]:
    """Lower-cased tokens with every organization token replaced by its mark."""
    return [marks.get(k, t.text.lower()) for k, t in enumerate(view.tokens)]


def _mention_kind(m: DocMention) -> str:
    if m.label == "PRODUCT":
        return "product"
    return m.kind or ("kb" if m.in_kb else "new")


def pair_features(
    cand: Candidate, view: SentenceView, sentence_mentions: list[DocMention], money: bool
) -> list[str]:
    """The feature strings of one candidate pair."""
    marks: dict[int, str] = {}
    for m in sentence_mentions:
        i, j = _token_span(view, m)
        for k in range(i, j):
            marks[k] = "<org>"
    b0, b1 = _token_span(view, cand.b)
    for k in range(b0, b1):
        marks[k] = "<b>"
    words = _words(view, marks)
    feats = [
        f"kindA={_mention_kind(cand.a)}",
        f"kindB={_mention_kind(cand.b)}",
        f"kinds={_mention_kind(cand.a)}|{_mention_kind(cand.b)}",
    ]
    if money:
        feats.append("money")
    sent_words = set(words)
    if cand.cross:
        return feats + _cross_features(cand, words, b0, b1, sent_words)
    a0, a1 = _token_span(view, cand.a)
    for k in range(a0, a1):
        marks[k] = "<a>"
    words = _words(view, marks)
    between = [w for w in words[a1:b0] if w not in ("<a>", "<b>")]
    collapsed = _collapse(between)
    feats.append(f"dist={_bucket(len(between))}")
    feats.append(f"orgs_between={min(collapsed.count('<org>'), 3)}")
    if len(collapsed) <= MAX_BETWEEN:
        feats.append("btw=" + " ".join(collapsed))
        feats.extend(f"bw={w}" for w in collapsed)
    else:
        feats.append("btw_long")
        head, tail = collapsed[:5], collapsed[-5:]
        feats.extend(f"bwh={w}" for w in head)
        feats.extend(f"bwt={w}" for w in tail)
    feats.extend(f"bb={x}|{y}" for x, y in zip(collapsed, collapsed[1:], strict=False))
    for d in (1, 2, 3):
        if a0 - d >= 0:
            feats.append(f"l{d}={words[a0 - d]}")
        if b1 + d - 1 < len(words):
            feats.append(f"r{d}={words[b1 + d - 1]}")
    if a0 == 0:
        feats.append("a_first")
    feats.append("ll=" + " ".join(words[max(0, a0 - 2) : a0]))
    feats.append("rr=" + " ".join(words[b1 : b1 + 2]))
    feats.extend(f"s={w}" for w in sent_words if w.isalpha())
    # Word stems by position, so "acquires" teaches "acquiring" and a trigger before the
    # first name reads differently from one after the second.
    feats.extend(f"sb={_stem(w)}" for w in collapsed if w.isalpha())
    feats.extend(f"sl={_stem(w)}" for w in words[max(0, a0 - 6) : a0] if w.isalpha())
    feats.extend(f"sr={_stem(w)}" for w in words[b1 : b1 + 6] if w.isalpha())
    return feats


def _stem(word: str) -> str:
    """A crude stem: the first five letters (acquired, acquires, acquisition -> acqui)."""
    return word[:5]


def _cross_features(
    cand: Candidate, words: list[str], b0: int, b1: int, sent_words: set[str]
) -> list[str]:
    feats = ["cross"]
    if cand.a_focus:
        feats.append("x_focus")
    if cand.a_recent:
        feats.append("x_recent")
    before = words[:b0]
    after = words[b1:]
    for w in before[-4:]:
        feats.append(f"xl={w}")
    for w in after[:4]:
        feats.append(f"xr={w}")
    feats.append("xll=" + " ".join(before[-2:]))
    feats.append("xrr=" + " ".join(after[:2]))
    ana_before = [w for w in before if w in _ANAPHORS]
    ana_after = [w for w in after if w in _ANAPHORS]
    feats.extend(f"xab={w}" for w in ana_before)
    feats.extend(f"xaa={w}" for w in ana_after)
    if b0 == 0:
        feats.append("x_b_first")
    feats.append(f"x_orgs={min(words.count('<org>'), 3)}")
    feats.extend(f"xsl={_stem(w)}" for w in before[-6:] if w.isalpha())
    feats.extend(f"xsr={_stem(w)}" for w in after[:6] if w.isalpha())
    feats.extend(f"xs={w}" for w in sent_words if w.isalpha())
    return feats


def _collapse(words: list[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        if w == "<org>" and out and out[-1] == "<org>":
            continue
        out.append(w)
    return out


def _bucket(n: int) -> str:
    for limit in (0, 1, 2, 3, 5, 8, 12, 20):
        if n <= limit:
            return str(limit)
    return "far"
