"""A candidate pair as marked text, the input of sequence models (see benchmarks/).

The first name is wrapped in << >> and the second in [[ ]]; for a pair across sentences the
outside organization's name leads, before a `|`. Long sentences are cut to a window around
the two names.
"""

from __future__ import annotations

from alliancemap.extract.learned.candidates import Candidate
from alliancemap.extract.learned.mentions import SentenceView

CONTEXT_CHARS = 120


def marked_window(cand: Candidate, view: SentenceView) -> str:
    """The sentence of `cand` around its names, with the names marked."""
    sent = view.sentence
    text, base = sent.text, sent.start
    spans = [(cand.b.start - base, cand.b.end - base, "[[ ", " ]]")]
    if not cand.cross:
        spans.append((cand.a.start - base, cand.a.end - base, "<< ", " >>"))
    lo = max(0, min(s for s, _, _, _ in spans) - CONTEXT_CHARS)
    hi = min(len(text), max(e for _, e, _, _ in spans) + CONTEXT_CHARS)
    out = text[lo:hi]
    for s, e, open_, close in sorted(spans, reverse=True):
        s, e = s - lo, e - lo
        out = out[:s] + open_ + out[s:e] + close + out[e:]
    return f"<< {cand.a.surface} >> | {out}" if cand.cross else out
