"""Which organization pairs the classifier looks at.

Two organizations named in one sentence form a pair. So does an organization named in a
sentence with one the text spoke of just before or mostly (the passage's focus), because
"the company" and "it" stand for it: most relations with only one name in their sentence
join that name to such an organization.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from alliancemap.extract.learned.mentions import DocMention

MAX_EXTERNAL = 3  # organizations from outside a sentence paired with its names
LOOKBACK = 2  # previous sentences whose organizations are candidates


@dataclass(frozen=True, slots=True)
class Candidate:
    sentence: int
    a: DocMention  # the first member: earlier in the sentence, or the outside organization
    b: DocMention
    cross: bool  # `a` is named outside the sentence
    a_focus: bool  # `a` is the passage's most-named organization
    a_recent: bool  # `a` was named in the previous sentences


def candidates(mentions: list[DocMention]) -> list[Candidate]:
    """Same-sentence pairs and pairs with recent or focal organizations, each pair once."""
    by_sentence: dict[int, list[DocMention]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence, []).append(m)
    counts = Counter(m.canonical for m in mentions)
    focus = [name for name, _ in counts.most_common(2)]
    first_mention: dict[str, DocMention] = {}
    for m in mentions:
        first_mention.setdefault(m.canonical, m)
    out: list[Candidate] = []
    for s, ms in sorted(by_sentence.items()):
        names = {m.canonical for m in ms}
        best: dict[tuple[str, str], tuple[int, DocMention, DocMention]] = {}
        for i, x in enumerate(ms):
            for y in ms[i + 1 :]:
                if x.canonical == y.canonical:
                    continue
                key = (x.canonical, y.canonical)
                rkey = (y.canonical, x.canonical)
                gap = y.start - x.end
                have = best.get(key) or best.get(rkey)
                if have is None or gap < have[0]:
                    best.pop(rkey, None)
                    best[key] = (gap, x, y)
        for _, x, y in best.values():
            out.append(Candidate(s, x, y, False, x.canonical == focus[0], False))
        recent: list[DocMention] = []
        for back in range(1, LOOKBACK + 1):
            for m in reversed(by_sentence.get(s - back, [])):
                if m.canonical not in names and all(r.canonical != m.canonical for r in recent):
                    recent.append(m)
        external = recent[:MAX_EXTERNAL]
        for name in focus:
            if name not in names and all(r.canonical != name for r in external):
                external.append(first_mention[name])
        recent_names = {r.canonical for r in recent}
        for ext in external[: MAX_EXTERNAL + 1]:
            seen: set[str] = set()
            for m in ms:
                if m.canonical in seen:
                    continue
                seen.add(m.canonical)
                out.append(
                    Candidate(
                        s, ext, m, True, ext.canonical == focus[0], ext.canonical in recent_names
                    )
                )
    return out
