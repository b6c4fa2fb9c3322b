"""What-if: add or remove relations and see what happens to concentration, blocs and brokers.

Edits are written "SUBJECT TYPE OBJECT" (see `edits.py`): "Apple acquisition Mistral AI". Added
relations get one hypothetical claim (extractor "whatif"); removals drop every claim of the
relation. An added acquisition folds the acquired organization into the acquirer (its ties
become the acquirer's), as a real acquisition would, unless `merge_acquired=False`.

Blocs after the edit start from the blocs before it (same seed), so what changes is what
the edit moved, not a different random start. Brokerage is reported for every organization
named in an edit plus any asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np

from alliancemap.errors import AllianceMapError
from alliancemap.graph.blocs import detect_blocs, nmi
from alliancemap.graph.brokerage import brokerage
from alliancemap.graph.centrality import betweenness, pagerank
from alliancemap.graph.concentration import concentration, measure
from alliancemap.graph.edits import Edit, parse_edit
from alliancemap.graph.network import COOPERATIVE, Network, network
from alliancemap.graph.table import TYPE_CODE, EdgeTable, edge_table
from alliancemap.graph.view import GraphView, ViewEdge, ViewNode, ViewParams, group_edges
from alliancemap.model import Polarity, RelationType
from alliancemap.store.records import ClaimRecord


def _hypothetical(edit: Edit, number: int, when: str) -> ClaimRecord:
    return ClaimRecord(
        id=-number,
        subject=edit.subject,
        object=edit.object,
        type=edit.type,
        date=when,
        evidence=f"What-if: {edit}.",
        evidence_start=None,
        evidence_end=None,
        extractor="whatif",
        confidence=1.0,
        ended=False,
        end_date=None,
        value_usd=None,
        value_text=None,
        document_hash=None,
        doc_id=None,
        url=None,
        title=None,
        source=None,
        published=None,
        source_name=f"what-if {number}",
    )


def _rows(t: EdgeTable, index: dict[str, int], edit: Edit) -> np.ndarray:
    """The edge rows an edit names (either order for symmetric types)."""
    a, b = index.get(edit.subject), index.get(edit.object)
    if a is None or b is None:
        return np.zeros(len(t.src), dtype=bool)
    same_type = t.rtype == TYPE_CODE[edit.type]
    if edit.type.symmetric:
        n = len(t.names)
        return same_type & (t.pair_codes() == min(a, b) * n + max(a, b))
    return same_type & (t.src == a) & (t.dst == b)


def apply_edits(
    view: GraphView,
    add: Sequence[Edit] = (),
    remove: Sequence[Edit] = (),
    merge_acquired: bool = True,
) -> tuple[GraphView, list[tuple[str, str]]]:
    """The view with relations removed, then added (acquired organizations folded into their
    acquirers); returns it with the (absorbed, acquirer) pairs. Only the edges of the
    organizations named in the edits are re-aggregated; the what-if view is not meant to be
    re-cut in time (it has no claim pool)."""
    t = edge_table(view)
    index = {n: i for i, n in enumerate(t.names)}
    removed = np.zeros(len(t.src), dtype=bool)
    for edit in remove:
        rows = _rows(t, index, edit)
        if not rows.any():
            raise AllianceMapError(f"cannot remove {edit}: the map has no such relation")
        removed |= rows
    into: dict[str, str] = {}
    merged: list[tuple[str, str]] = []
    if merge_acquired:
        for edit in add:
            if edit.type == RelationType.ACQUISITION:
                into[edit.object] = edit.subject
                merged.append((edit.object, edit.subject))
    involved = {n for e in (*add, *remove) for n in (e.subject, e.object)}
    involved |= set(into) | set(into.values())
    ids = [index[n] for n in involved if n in index]
    touched = (np.isin(t.src, ids) | np.isin(t.dst, ids)) & ~removed
    keep = ~(removed | touched)
    when = view.params.as_of or date.today().isoformat()
    claims = [c for i in np.nonzero(touched)[0].tolist() for c in view.edges[i].claims]
    claims += [_hypothetical(edit, i + 1, when) for i, edit in enumerate(add)]
    regrouped = [
        e
        for e in group_edges(_fold(claims, into))
        if e.n_sources >= view.params.min_sources or _is_new(e)
    ]
    edges = [e for e, k in zip(view.edges, keep.tolist(), strict=True) if k] + regrouped
    used = np.unique(np.concatenate([t.src[keep], t.dst[keep]]))
    names = sorted(
        {t.names[i] for i in used.tolist()} | {n for e in regrouped for n in (e.source, e.target)}
    )
    nodes = {n: view.nodes.get(n) or view.known.get(n) or ViewNode(n) for n in names}
    after = GraphView(nodes, edges, view.params, view.known, [])
    after.cache["edge_table"] = _spliced_table(t, keep, regrouped, names)
    after.cache[("network", COOPERATIVE, None)] = _spliced_network(
        network(view), involved, regrouped
    )
    return after, merged


def _spliced_table(
    t: EdgeTable, keep: np.ndarray, regrouped: list[ViewEdge], names: list[str]
) -> EdgeTable:
    """The after-edit edge table: the kept rows of `t` (re-indexed) then the regrouped edges,
    the same as `edge_table` would build, without a pass over every edge."""
    index = {n: i for i, n in enumerate(names)}
    remap = np.array([index.get(n, -1) for n in t.names], dtype=np.int64)
    new = GraphView({n: ViewNode(n) for n in names}, regrouped, ViewParams())
    r = edge_table(new)
    r_src = np.array([index[new_name] for new_name in r.names], dtype=np.int64)

    def both(old: np.ndarray, extra: np.ndarray) -> np.ndarray:
        return np.concatenate([old[keep], extra])

    return EdgeTable(
        names=names,
        src=np.concatenate([remap[t.src[keep]], r_src[r.src]]),
        dst=np.concatenate([remap[t.dst[keep]], r_src[r.dst]]),
        rtype=both(t.rtype, r.rtype),
        sources=both(t.sources, r.sources),
        first_year=both(t.first_year, r.first_year),
        first_news_year=both(t.first_news_year, r.first_news_year),
        value=both(t.value, r.value),
        kb=both(t.kb, r.kb),
    )


def _spliced_network(before: Network, involved: set[str], regrouped: list[ViewEdge]) -> Network:
    """The after-edit cooperative network: `before` with the ties of the organizations named
    in the edits replaced by their regrouped ones (same ties and weights as `network` would
    build from the after-edit view, vertices in another order)."""
    g = before.graph.copy()
    ids = [before.index[n] for n in involved if n in before.index]
    around = set(ids) | {u for v in ids for u in g.neighbors(v)}
    g.delete_edges(sorted({e for v in ids for e in g.incident(v)}))
    pairs: dict[tuple[str, str], float] = {}
    for e in regrouped:
        if e.polarity == Polarity.COOPERATIVE:
            pairs[e.pair] = pairs.get(e.pair, 0.0) + e.n_sources
    fresh = sorted({n for pair in pairs for n in pair} - set(before.index))
    if fresh:
        g.add_vertices(len(fresh), attributes={"name": fresh})
    where = {n: i for i, n in enumerate(g.vs["name"])}
    g.add_edges(
        [(where[a], where[b]) for a, b in pairs], attributes={"weight": list(pairs.values())}
    )
    g.delete_vertices(sorted(v for v in around if g.degree(v) == 0))
    names = g.vs["name"]
    return Network(g, names, {n: i for i, n in enumerate(names)})


def _is_new(edge: ViewEdge) -> bool:
    return any(c.extractor == "whatif" for c in edge.claims)


def _root(into: dict[str, str], name: str) -> str:
    seen = {name}
    while name in into and into[name] not in seen:
        name = into[name]
        seen.add(name)
    return name


def _fold(claims: list[Any], into: dict[str, str]) -> list[Any]:
    """Claims with each absorbed organization renamed to its acquirer; the acquisitions
    themselves (now inside one organization) dropped."""
    if not into:
        return claims
    out = []
    for c in claims:
        s, o = _root(into, c.subject), _root(into, c.object)
        if s == o:
            continue
        if (s, o) != (c.subject, c.object):
            c = _renamed(c, s, o)
        out.append(c)
    return out


def _renamed(claim: Any, subject: str, obj: str) -> Any:
    return replace(claim, subject=subject, object=obj)


@dataclass(slots=True)
class WhatIf:
    """Before and after figures of an edit of the map."""

    added: list[str]
    removed: list[str]
    merged: list[dict[str, str]]
    concentration: dict[str, Any]
    blocs: dict[str, Any]
    brokerage: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _concentration(view: GraphView) -> dict[str, Any]:
    rows = concentration(view)
    c = rows[0] if rows else measure([])
    return {
        "ties": c.n_ties,
        "organizations": c.n_organizations,
        "hhi": c.hhi,
        "equivalent_n": c.equivalent_n,
        "cr4": c.cr4,
        "top5_reach": c.top5_reach,
        "leaders": [{"organization": n, "share": s} for n, s in c.leaders],
    }


def _figures(view: GraphView, names: Iterable[str], seed: int) -> dict[str, dict[str, Any]]:
    wanted = [n for n in names if n in view.nodes]
    brokers = brokerage(view, nodes=wanted)
    rank = pagerank(view)
    between = betweenness(view, seed=seed)
    out = {}
    for n in wanted:
        b = brokers.get(n)
        out[n] = {
            "degree": b.degree if b else 0,
            "effective_size": b.effective_size if b else None,
            "constraint": b.constraint if b else None,
            "pagerank": rank.get(n),
            "betweenness": between.get(n),
        }
    return out


def _delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in after.items():
        old = before.get(k)
        if isinstance(v, int | float) and isinstance(old, int | float):
            out[k] = v - old
    return out


def whatif(
    view: GraphView,
    add: Sequence[Edit] = (),
    remove: Sequence[Edit] = (),
    focus: Iterable[str] = (),
    seed: int = 0,
    merge_acquired: bool = True,
) -> WhatIf:
    """Concentration, blocs and brokerage of the named organizations, before and after."""
    if not add and not remove:
        raise AllianceMapError("nothing to change: give at least one relation to add or remove")
    after_view, merged = apply_edits(view, add, remove, merge_acquired)
    named = list(
        dict.fromkeys([*(n for e in (*add, *remove) for n in (e.subject, e.object)), *focus])
    )
    c_before, c_after = _concentration(view), _concentration(after_view)
    b_before = detect_blocs(view, seed=seed)
    absorbed = dict(merged)
    start = {absorbed.get(n, n): bid for n, bid in b_before.membership.items()}
    b_after = detect_blocs(after_view, seed=seed, initial=start)
    moves = []
    for n in named:
        was, now = b_before.bloc_of(n), b_after.bloc_of(absorbed.get(n, n))
        moves.append(
            {
                "organization": n,
                "before": was.label if was else None,
                "after": now.label if now else None,
                "before_size": was.size if was else None,
                "after_size": now.size if now else None,
            }
        )
    f_before, f_after = _figures(view, named, seed), _figures(after_view, named, seed)
    rows = []
    for n in named:
        old, new = f_before.get(n, {}), f_after.get(n, {})
        rows.append(
            {
                "organization": n,
                "absorbed_into": absorbed.get(n),
                "before": old,
                "after": new,
                "delta": _delta(old, new),
            }
        )
    return WhatIf(
        added=[str(e) for e in add],
        removed=[str(e) for e in remove],
        merged=[{"absorbed": a, "into": b} for a, b in merged],
        concentration={
            "before": c_before,
            "after": c_after,
            "delta": _delta(c_before, c_after),
        },
        blocs={
            "before": {"blocs": len(b_before.blocs), "modularity": b_before.modularity},
            "after": {"blocs": len(b_after.blocs), "modularity": b_after.modularity},
            "nmi": nmi(
                {n: v for n, v in b_before.membership.items() if n not in absorbed},
                b_after.membership,
            ),
            "organizations": moves,
        },
        brokerage=rows,
    )


__all__ = ["Edit", "WhatIf", "apply_edits", "parse_edit", "whatif"]
