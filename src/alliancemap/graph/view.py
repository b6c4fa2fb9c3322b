"""The as-of graph view: organizations and their claims aggregated into typed edges.

A view is the map as known on a date (`as_of`) or over a window (`since`..`as_of`), filtered
by relation types, polarity, minimum confidence (per claim) and minimum number of
independent sources (per edge). Every edge keeps its claims, so every measure computed on a
view can be traced back to evidence sentences.

Date rules, the same as the store's: a claim holds from its own date, else its document's
publication date; undated claims drop out of dated views; an ended relation drops out once
its end date is passed (today's date when no `as_of` is given), unless `keep_ended`.
Symmetric types (partnership, competition) are undirected: stored once, in name order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np

from alliancemap.export import relation_type, source_label
from alliancemap.graph.dates import check_date, effective_date, not_after, not_before
from alliancemap.graph.dates import strictly_before as _before
from alliancemap.model import EntityType, Polarity, RelationType

DEFAULT_EXCLUDED_KINDS = ("media",)  # publications are never parties (see the KB's kinds)


@dataclass(frozen=True, slots=True)
class ViewNode:
    """An organization of the view with what the store knows about it."""

    name: str
    kind: str | None = None
    country: str | None = None
    parent: str | None = None
    in_kb: bool = False


@dataclass(slots=True)
class ViewEdge:
    """All kept claims for one (source, target, type); symmetric types in name order."""

    source: str
    target: str
    type: RelationType
    claims: list[Any]
    first_date: str | None
    last_date: str | None
    n_sources: int
    confidence: float
    value_usd: float | None
    ended: bool
    end_date: str | None
    from_kb: bool = False  # at least one curated knowledge-base fact
    first_news: str | None = None  # the first date the news (not the KB) reported it

    @property
    def polarity(self) -> Polarity:
        return self.type.polarity

    @property
    def symmetric(self) -> bool:
        return self.type.symmetric

    @property
    def pair(self) -> tuple[str, str]:
        """The two organizations in name order, whatever the direction."""
        a, b = self.source, self.target
        return (a, b) if a <= b else (b, a)

    @property
    def claim_ids(self) -> list[int]:
        return [c.id for c in self.claims]

    def best_claim(self) -> Any:
        """The claim to show when only one fits: most confident, then earliest, then first id."""
        return min(
            self.claims,
            key=lambda c: (-float(c.confidence or 0.0), effective_date(c) or "9999", c.id),
        )

    def summary(self) -> dict[str, Any]:
        """Plain JSON-ready figures of the edge, with its best evidence and claim ids."""
        best = self.best_claim()
        return {
            "source": self.source,
            "target": self.target,
            "type": self.type.value,
            "polarity": self.polarity.value,
            "n_claims": len(self.claims),
            "n_sources": self.n_sources,
            "first_date": self.first_date,
            "last_date": self.last_date,
            "confidence": round(self.confidence, 4),
            "value_usd": self.value_usd,
            "ended": self.ended,
            "end_date": self.end_date,
            "claim_ids": self.claim_ids,
            "evidence": best.evidence,
            "evidence_source": source_label(best) or None,
        }


@dataclass(frozen=True, slots=True)
class ViewParams:
    """The filters a view was built with (shown next to every figure computed from it)."""

    as_of: str | None = None
    since: str | None = None
    types: tuple[RelationType, ...] | None = None
    polarity: Polarity | None = None
    min_sources: int = 1
    min_confidence: float = 0.0
    keep_ended: bool = False
    exclude_kinds: tuple[str, ...] = DEFAULT_EXCLUDED_KINDS

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "since": self.since,
            "types": [t.value for t in self.types] if self.types else None,
            "polarity": self.polarity.value if self.polarity else None,
            "min_sources": self.min_sources,
            "min_confidence": self.min_confidence,
            "keep_ended": self.keep_ended,
            "exclude_kinds": list(self.exclude_kinds),
        }


@dataclass(slots=True)
class GraphView:
    """Organizations and aggregated edges as known under `params`; `pool` keeps every claim
    that passes the non-date filters so `at()` can re-cut the view at another date cheaply."""

    nodes: dict[str, ViewNode]
    edges: list[ViewEdge]
    params: ViewParams
    known: dict[str, ViewNode] = field(default_factory=dict, repr=False)
    pool: list[Pooled] = field(default_factory=list, repr=False)
    cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def at(self, as_of: str | None = None, since: str | None = None) -> GraphView:
        """The same view (same filters) re-cut as known on `as_of`, from `since`."""
        params = replace(self.params, as_of=as_of, since=since)
        return _assemble(self.pool, self.known, params)

    def claims(self) -> Iterator[Any]:
        """Every claim behind the view's edges."""
        for edge in self.edges:
            yield from edge.claims

    def edges_of(self, name: str) -> list[ViewEdge]:
        """The edges touching one organization."""
        return [e for e in self.edges if name in (e.source, e.target)]

    def between(self, a: str, b: str) -> list[ViewEdge]:
        """The edges between two organizations, either direction."""
        pair = (a, b) if a <= b else (b, a)
        return [e for e in self.edges if e.pair == pair]

    def select(
        self,
        polarity: Polarity | str | None = None,
        types: Iterable[RelationType | str] | None = None,
    ) -> list[ViewEdge]:
        """The edges of one polarity and/or some types."""
        pol = Polarity(polarity) if polarity else None
        wanted = {relation_type(t) for t in types} if types else None
        return [
            e
            for e in self.edges
            if (pol is None or e.polarity == pol) and (wanted is None or e.type in wanted)
        ]

    def summary(self) -> dict[str, Any]:
        """Counts and filters, for the head of every report and JSON output."""
        by_type: dict[str, int] = {}
        for e in self.edges:
            by_type[e.type.value] = by_type.get(e.type.value, 0) + 1
        return {
            **self.params.to_dict(),
            "organizations": len(self.nodes),
            "edges": len(self.edges),
            "claims": sum(len(e.claims) for e in self.edges),
            "edges_by_type": by_type,
        }


def active_years(
    view: GraphView, min_ties: int = 20, polarity: Polarity | None = Polarity.COOPERATIVE
) -> list[int]:
    """Every year from the first to the last in which at least `min_ties` ties (of one
    polarity) were first reported by the news (documents, not KB facts): the years the news
    covers well enough to measure; stray dates (1904, 2030) and KB-only years drop out."""
    from alliancemap.graph.table import edge_table

    t = edge_table(view)
    years = t.first_news_year[t.mask(polarity) & (t.first_news_year >= 0)]
    found, counts = np.unique(years, return_counts=True)
    busy = found[counts >= min_ties]
    return list(range(int(busy.min()), int(busy.max()) + 1)) if len(busy) else []


def _polarity(value: Polarity | str | None) -> Polarity | None:
    if value is None or value == "all":
        return None
    try:
        return Polarity(str(value).strip().lower())
    except ValueError:
        raise ValueError(
            f"unknown polarity {value!r} (valid: cooperative, adversarial, all)"
        ) from None


def make_params(
    as_of: str | None = None,
    since: str | None = None,
    types: Iterable[RelationType | str] | None = None,
    polarity: Polarity | str | None = None,
    min_sources: int = 1,
    min_confidence: float = 0.0,
    keep_ended: bool = False,
    exclude_kinds: Iterable[str] = DEFAULT_EXCLUDED_KINDS,
) -> ViewParams:
    """Checked view parameters; bad dates, types, polarities or thresholds raise ValueError."""
    as_of = check_date(as_of, "as-of date") if as_of is not None else None
    since = check_date(since, "since date") if since is not None else None
    if as_of and since and _before(as_of, since):
        raise ValueError(f"the window is empty: since {since} is after as-of {as_of}")
    if min_sources < 1:
        raise ValueError(f"min_sources must be at least 1, not {min_sources}")
    if not 0.0 <= float(min_confidence) <= 1.0:
        raise ValueError(f"min_confidence must be between 0 and 1, not {min_confidence}")
    kinds = tuple(dict.fromkeys(relation_type(t) for t in types)) if types else None
    return ViewParams(
        as_of=as_of,
        since=since,
        types=kinds,
        polarity=_polarity(polarity),
        min_sources=int(min_sources),
        min_confidence=float(min_confidence),
        keep_ended=keep_ended,
        exclude_kinds=tuple(exclude_kinds),
    )


def build_view(
    store: Any,
    as_of: str | None = None,
    since: str | None = None,
    types: Iterable[RelationType | str] | None = None,
    polarity: Polarity | str | None = None,
    min_sources: int = 1,
    min_confidence: float = 0.0,
    keep_ended: bool = False,
    exclude_kinds: Iterable[str] = DEFAULT_EXCLUDED_KINDS,
) -> GraphView:
    """The store's organizations and claims (KB landmark facts included) as a filtered view."""
    params = make_params(
        as_of, since, types, polarity, min_sources, min_confidence, keep_ended, exclude_kinds
    )
    return view_from_claims(store.iter_claims(), store.entities(), params)


Pooled = tuple[Any, "str | None", tuple[str, str, RelationType]]  # claim, date, edge key


def edge_key(claim: Any) -> tuple[str, str, RelationType]:
    """The edge a claim belongs to: (subject, object, type), symmetric types in name order
    (the rule of `Claim.key` and of the exporters' `build_graph`)."""
    rtype = relation_type(claim.type)
    a, b = claim.subject, claim.object
    if rtype.symmetric and b < a:
        a, b = b, a
    return (a, b, rtype)


def view_from_claims(
    claims: Iterable[Any], entities: Iterable[Any] = (), params: ViewParams | None = None
) -> GraphView:
    """A view from claim records (anything shaped like `ClaimRecord`) and entities."""
    params = params or ViewParams()
    known = {
        e.name: ViewNode(e.name, e.kind, e.country, e.parent, bool(e.in_kb))
        for e in entities
        if getattr(e, "type", EntityType.ORGANIZATION) == EntityType.ORGANIZATION
    }
    excluded = {n for n, node in known.items() if node.kind in params.exclude_kinds}
    pool: list[Pooled] = []
    for c in claims:
        key = edge_key(c)
        rtype = key[2]
        if c.subject == c.object or c.subject in excluded or c.object in excluded:
            continue
        if params.types is not None and rtype not in params.types:
            continue
        if params.polarity is not None and rtype.polarity != params.polarity:
            continue
        if float(c.confidence or 0.0) < params.min_confidence:
            continue
        pool.append((c, effective_date(c), key))
    return _assemble(pool, known, params)


def _assemble(pool: list[Pooled], known: dict[str, ViewNode], params: ViewParams) -> GraphView:
    as_of, since = params.as_of, params.since
    end_ref = as_of or date.today().isoformat()
    groups: dict[tuple[str, str, RelationType], list[tuple[Any, str | None]]] = {}
    for c, when, key in pool:
        if as_of or since:
            if when is None:
                continue
            if as_of and not not_after(when, as_of):
                continue
            if since and not not_before(when, since):
                continue
        if not params.keep_ended and c.ended and c.end_date and _before(str(c.end_date), end_ref):
            continue
        groups.setdefault(key, []).append((c, when))
    edges = []
    for key in sorted(groups, key=lambda k: (k[0], k[1], k[2].value)):
        edge = aggregate_edge(key, groups[key])
        if edge.n_sources >= params.min_sources:
            edges.append(edge)
    names = sorted({n for e in edges for n in (e.source, e.target)})
    nodes = {n: known.get(n) or ViewNode(n) for n in names}
    return GraphView(nodes, edges, params, known, pool)


def group_edges(claims: Iterable[Any]) -> list[ViewEdge]:
    """Claims aggregated into edges (no filtering), in (source, target, type) order."""
    groups: dict[tuple[str, str, RelationType], list[tuple[Any, str | None]]] = {}
    for c in claims:
        groups.setdefault(edge_key(c), []).append((c, effective_date(c)))
    return [
        aggregate_edge(k, groups[k]) for k in sorted(groups, key=lambda k: (k[0], k[1], k[2].value))
    ]


def source_id(claim: Any) -> str:
    """One independent source: the document's near-duplicate group (syndicated copies of a
    story count once), else the document, or for KB facts the publication that reported it."""
    group = getattr(claim, "source_group", None) or claim.document_hash
    if group:
        return f"doc:{group}"
    label = getattr(claim, "source_name", None) or getattr(claim, "url", None)
    return f"kb:{label}" if label else f"claim:{claim.id}"


def aggregate_edge(
    key: tuple[str, str, RelationType], dated: list[tuple[Any, str | None]]
) -> ViewEdge:
    """One edge from its claims and their effective dates."""
    claims = [c for c, _ in dated]
    dates = [d for _, d in dated if d]
    news = [d for c, d in dated if d and c.document_hash]
    values = [float(c.value_usd) for c in claims if c.value_usd]
    ended = all(c.ended for c in claims)
    ends = [str(c.end_date) for c in claims if c.end_date]
    return ViewEdge(
        source=key[0],
        target=key[1],
        type=key[2],
        claims=claims,
        first_date=min(dates) if dates else None,
        last_date=max(dates) if dates else None,
        n_sources=len({source_id(c) for c in claims}),
        confidence=max(float(c.confidence or 0.0) for c in claims),
        value_usd=max(values) if values else None,
        ended=ended,
        end_date=max(ends) if ended and ends else None,
        from_kb=any(c.extractor == "kb" for c in claims),
        first_news=min(news) if news else None,
    )
