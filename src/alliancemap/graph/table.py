"""Columnar copies of a view, so measures over a million ties run in numpy, not in loops.

- `edge_table(view)`: one row per edge of the view (endpoints as indices into the view's
  sorted organization names, type, sources, first year, deal value, KB-backed);
- `claim_table(view)`: one row per claim of the view's pool (edge key, year, end year,
  source), from which `keys_at(view, year)` rebuilds which ties stood at the end of a year,
  with their sources then: exactly what `view.at(as_of=str(year))` keeps, without
  re-aggregating every claim.

Both are built once per view (a single pass over its edges or claims) and cached on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from alliancemap.graph.view import GraphView, source_id
from alliancemap.model import Polarity, RelationType

TYPES = list(RelationType)
TYPE_CODE = {t: i for i, t in enumerate(TYPES)}
COOPERATIVE_CODES = np.array([t.polarity == Polarity.COOPERATIVE for t in TYPES])
NO_END = np.iinfo(np.int32).max


@dataclass(frozen=True, slots=True)
class EdgeTable:
    """The view's edges as arrays, row i being `view.edges[i]`."""

    names: list[str]
    src: np.ndarray  # int64 index into names (the edge's source; name order if symmetric)
    dst: np.ndarray
    rtype: np.ndarray  # int8 code into TYPES
    sources: np.ndarray  # int64 independent sources
    first_year: np.ndarray  # int32, -1 when undated
    first_news_year: np.ndarray  # int32 year the news first reported it, -1 if never
    value: np.ndarray  # float64 largest disclosed value, NaN when none
    kb: np.ndarray  # bool: at least one curated KB fact

    @property
    def cooperative(self) -> np.ndarray:
        return COOPERATIVE_CODES[self.rtype]

    def mask(
        self, polarity: Polarity | None = None, types: set[RelationType] | None = None
    ) -> np.ndarray:
        """Rows of one polarity and/or some types."""
        keep = np.ones(len(self.src), dtype=bool)
        if polarity is not None:
            coop = self.cooperative
            keep &= coop if polarity == Polarity.COOPERATIVE else ~coop
        if types:
            keep &= np.isin(self.rtype, [TYPE_CODE[t] for t in types])
        return keep

    def pair_codes(self, rows: np.ndarray | None = None) -> np.ndarray:
        """An order-free code per row's pair of organizations: min * n + max."""
        a = self.src if rows is None else self.src[rows]
        b = self.dst if rows is None else self.dst[rows]
        n = len(self.names)
        return np.minimum(a, b) * n + np.maximum(a, b)


def edge_table(view: GraphView) -> EdgeTable:
    """The view's edges as arrays (built once, cached on the view)."""
    cached = view.cache.get("edge_table")
    if cached is not None:
        return cached
    names = list(view.nodes)
    index = {n: i for i, n in enumerate(names)}
    edges = view.edges
    table = EdgeTable(
        names=names,
        src=np.fromiter((index[e.source] for e in edges), np.int64, len(edges)),
        dst=np.fromiter((index[e.target] for e in edges), np.int64, len(edges)),
        rtype=np.fromiter((TYPE_CODE[e.type] for e in edges), np.int8, len(edges)),
        sources=np.fromiter((e.n_sources for e in edges), np.int64, len(edges)),
        first_year=np.fromiter((_year(e.first_date) for e in edges), np.int32, len(edges)),
        first_news_year=np.fromiter((_year(e.first_news) for e in edges), np.int32, len(edges)),
        value=np.fromiter((e.value_usd or np.nan for e in edges), float, len(edges)),
        kb=np.fromiter((e.from_kb for e in edges), bool, len(edges)),
    )
    view.cache["edge_table"] = table
    return table


def _end_year(value: object) -> int:
    found = _year(str(value))
    return found if found >= 0 else NO_END


def _year(value: str | None) -> int:
    return int(value[:4]) if value and value[:4].isdigit() else -1


@dataclass(frozen=True, slots=True)
class ClaimTable:
    """The view's pool of claims as arrays, with the distinct edge keys they belong to, the
    distinct (key, source) attestations and the distinct organization pairs of the keys."""

    names: list[str]
    key_src: np.ndarray  # per key: int64 index into names
    key_dst: np.ndarray
    key_type: np.ndarray  # per key: int8 code into TYPES
    key_pair: np.ndarray  # per key: int64 index of its organization pair
    pair_a: np.ndarray  # per pair: int64 index into names (the smaller)
    pair_b: np.ndarray
    key: np.ndarray  # per claim: int64 index into the keys
    year: np.ndarray  # per claim: int32 year it holds from, -1 when undated
    end_year: np.ndarray  # per claim: int32 year of its end (ended claims), else NO_END
    attest: np.ndarray  # per claim: int64 index of its (key, source) attestation
    attest_key: np.ndarray  # per attestation: int64 index of its key
    value: np.ndarray  # per claim: float64 deal value, NaN when none


def claim_table(view: GraphView) -> ClaimTable:
    """The view's pool as arrays (built once, cached on the view)."""
    cached = view.cache.get("claim_table")
    if cached is not None:
        return cached
    keys: dict[tuple[str, str, RelationType], int] = {}
    attests: dict[tuple[int, Any], int] = {}
    key_of, years, ends, attest, value = [], [], [], [], []
    for c, when, k in view.pool:  # the hot loop of year cuts: kept lean on purpose
        code = keys.get(k)
        if code is None:
            code = keys[k] = len(keys)
        key_of.append(code)
        years.append(int(when[:4]) if when else -1)
        ends.append(_end_year(c.end_date) if c.ended and c.end_date else NO_END)
        group = getattr(c, "source_group", None) or c.document_hash
        pair = (code, group) if group else (code, source_id(c))
        found = attests.get(pair)
        if found is None:
            found = attests[pair] = len(attests)
        attest.append(found)
        value.append(c.value_usd or np.nan)
    names = sorted({n for k in keys for n in k[:2]})
    index = {n: i for i, n in enumerate(names)}
    ordered = list(keys)
    key_src = np.array([index[k[0]] for k in ordered], dtype=np.int64)
    key_dst = np.array([index[k[1]] for k in ordered], dtype=np.int64)
    codes = np.minimum(key_src, key_dst) * len(names) + np.maximum(key_src, key_dst)
    pairs, key_pair = np.unique(codes, return_inverse=True)
    table = ClaimTable(
        names=names,
        key_src=key_src,
        key_dst=key_dst,
        key_type=np.array([TYPE_CODE[k[2]] for k in ordered], dtype=np.int8),
        key_pair=key_pair.ravel().astype(np.int64),
        pair_a=pairs // max(len(names), 1),
        pair_b=pairs % max(len(names), 1),
        key=np.array(key_of, dtype=np.int64),
        year=np.array(years, dtype=np.int32),
        end_year=np.array(ends, dtype=np.int32),
        attest=np.array(attest, dtype=np.int64),
        attest_key=np.array([k for k, _ in attests], dtype=np.int64),
        value=np.array(value, dtype=float),
    )
    view.cache["claim_table"] = table
    return table


@dataclass(frozen=True, slots=True)
class Cut:
    """The ties standing at the end of a year: key indices, their sources and deal values."""

    table: ClaimTable
    keys: np.ndarray  # int64 indices of the keys kept
    sources: np.ndarray  # int64 independent sources per kept key
    value: np.ndarray  # float64 largest disclosed value per kept key (NaN when none)


def keys_at(view: GraphView, at_year: int) -> Cut:
    """The ties of `view.at(as_of=str(at_year))` (same filters), from the claim table:
    linear passes over the claims, no sorting.

    Only for views without `since` (a window needs the general `view.at`).
    """
    if view.params.since is not None:
        raise ValueError("keys_at needs a view without `since`; use view.at()")
    key = ("cut", at_year)
    if key in view.cache:
        return view.cache[key]
    t = claim_table(view)
    keep = (t.year >= 0) & (t.year <= at_year)
    if not view.params.keep_ended:
        keep &= ~(t.end_year < at_year)
    seen = np.zeros(len(t.attest_key), dtype=bool)
    seen[t.attest[keep]] = True
    per_key = np.bincount(t.attest_key[seen], minlength=len(t.key_src))
    kept = np.nonzero(per_key >= view.params.min_sources)[0]
    best = np.full(len(t.key_src), np.nan)
    valued = keep & ~np.isnan(t.value)
    np.fmax.at(best, t.key[valued], t.value[valued])
    cut = view.cache[key] = Cut(t, kept, per_key[kept].astype(np.int64), best[kept])
    return cut
