"""Exposure: which providers and blocs an enterprise AI stack ultimately depends on.

A stack (see `stack.py`) lists components, each a product or a vendor (or several), with a
weight; each product resolves to its owner. A component's weight then flows upstream
through the map's trusted cooperative ties (a curated KB fact, or at least `min_sources`
independent sources, default 2: one stray sentence must not make Microsoft somebody's
subsidiary), as dependency:

- ownership first: a unit or acquired company (KB parent, else the standing acquisition with
  the most sources; a KB organization without a KB parent only by a KB acquisition fact; an
  acquisition contradicted by an equally attested opposite one is ignored) passes what it
  keeps to its owner, at no cost in depth;
- then, at each organization, a share `retain` (default 1/2) stays with it, its ultimate
  provider part, and the rest goes to the organizations it depends on, in proportion to
  independent sources times a weight per relation: its suppliers (supply, 1), investors
  (investment, 1/2) and partners (partnership, 1/4), up to `depth` hops (default 2); with
  nobody upstream (or at the last hop) it keeps everything.

So each component's weight ends split over ultimate providers; summed over the stack they
give each provider's share and the stack's HHI. An organization is a single point of
failure when components carrying at least `spof` (default 1/2) of the stack's weight each
send at least `material` (default 5%) of their weight through it. Alternatives for a
component are products of the same KB category (or vendors of the same kind) whose owners
sit in other blocs and outside the component's own dependencies: owners of the same kind
as the component's first, then the best connected (PageRank). KB categories are coarse
(model, service, platform, chip, ...), so alternatives are candidates to examine.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from alliancemap.graph.blocs import BlocPartition, detect_blocs
from alliancemap.graph.centrality import pagerank
from alliancemap.graph.concentration import hhi
from alliancemap.graph.names import Names
from alliancemap.graph.stack import Component, Stack, parse_stack, read_stack
from alliancemap.graph.table import TYPE_CODE, edge_table
from alliancemap.graph.view import GraphView, ViewEdge
from alliancemap.model import RelationType

PROVIDERS_LISTED = 25  # per component; the rest is summed
UPSTREAM_WEIGHTS = {
    RelationType.SUPPLY: 1.0,
    RelationType.INVESTMENT: 0.5,
    RelationType.PARTNERSHIP: 0.25,
}


@dataclass(frozen=True, slots=True)
class Step:
    """One hop of a dependency path, with the tie that justifies it."""

    frm: str
    to: str
    relation: str  # "owned by", "supplied by", "funded by", "partner of"
    claim_ids: tuple[int, ...]
    evidence: str | None


_RELATION = {
    RelationType.SUPPLY: "supplied by",
    RelationType.INVESTMENT: "funded by",
    RelationType.PARTNERSHIP: "partner of",
}


def _from_kb(edge: ViewEdge) -> bool:
    return any(c.extractor == "kb" for c in edge.claims)


def trusted(edge: ViewEdge, min_sources: int = 2) -> bool:
    """A tie solid enough to build dependencies on: a curated KB fact, or `min_sources`."""
    return edge.n_sources >= min_sources or _from_kb(edge)


class _Groups:
    """Row indices grouped by a key column, looked up one key at a time."""

    def __init__(self, keys: np.ndarray, rows: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        self.keys, self.rows = keys[order], rows[order]

    def get(self, key: int) -> list[int]:
        lo, hi = np.searchsorted(self.keys, [key, key + 1])
        return self.rows[lo:hi].tolist()


class Dependencies:
    """Who depends on whom in a view: owners (KB parent, else the standing, trusted acquirer
    with most sources) and trusted upstream ties, looked up lazily per organization."""

    def __init__(self, view: GraphView, min_sources: int = 2) -> None:
        t = edge_table(view)
        self.view, self.table = view, t
        self.index = {n: i for i, n in enumerate(t.names)}
        ok = t.cooperative & ((t.sources >= min_sources) | t.kb)
        code = {rt: TYPE_CODE[rt] for rt in RelationType}
        up = ok & np.isin(t.rtype, [code[rt] for rt in UPSTREAM_WEIGHTS])
        sym = ok & (t.rtype == code[RelationType.PARTNERSHIP])
        acq = ok & (t.rtype == code[RelationType.ACQUISITION])
        self._into = _Groups(t.dst[up], np.nonzero(up)[0])
        self._partner = _Groups(t.src[sym], np.nonzero(sym)[0])
        self._acquired = _Groups(t.dst[acq], np.nonzero(acq)[0])
        self._parent = {
            name: node.parent
            for name, node in {**view.known, **view.nodes}.items()
            if node.parent and node.parent != name
        }
        self._owners: dict[str, tuple[str, ViewEdge | None] | None] = {}

    def upstream(self, name: str) -> list[tuple[str, float, ViewEdge]]:
        """The organizations `name` depends on: (who, weight, the tie)."""
        i = self.index.get(name)
        if i is None:
            return []
        out = []
        for row in self._into.get(i) + self._partner.get(i):
            e = self.view.edges[row]
            other = e.source if e.target == name else e.target
            out.append((other, UPSTREAM_WEIGHTS[e.type] * e.n_sources, e))
        return out

    def owner(self, name: str) -> tuple[str, ViewEdge | None] | None:
        """Who owns `name` (and the acquisition that says so; None for a KB parent)."""
        if name in self._owners:
            return self._owners[name]
        found: tuple[str, ViewEdge | None] | None = None
        if name in self._parent:
            found = (self._parent[name], None)
        else:
            edges = self._acquisitions(name)
            node = self.view.known.get(name)
            if node is not None and node.in_kb:  # the KB lists its organizations' parents
                edges = [e for e in edges if _from_kb(e)]
            edges = [e for e in edges if not self._reversed(e)]
            if edges:
                best = max(edges, key=lambda e: (e.n_sources, e.last_date or "", e.source))
                found = (best.source, best)
        self._owners[name] = found
        return found

    def _acquisitions(self, name: str) -> list[ViewEdge]:
        i = self.index.get(name)
        return [] if i is None else [self.view.edges[r] for r in self._acquired.get(i)]

    def _reversed(self, edge: ViewEdge) -> bool:
        """True when the opposite acquisition is at least as well attested (a misread)."""
        for other in self._acquisitions(edge.source):
            if other.source == edge.target:
                return (_from_kb(other), other.n_sources) >= (_from_kb(edge), edge.n_sources)
        return False


def dependencies(view: GraphView, min_sources: int = 2) -> Dependencies:
    """The view's dependencies (cached on the view per `min_sources`)."""
    key = ("dependencies", min_sources)
    if key not in view.cache:
        view.cache[key] = Dependencies(view, min_sources)
    return view.cache[key]


def _step(frm: str, to: str, relation: str, edge: ViewEdge | None) -> Step:
    if edge is None:
        return Step(frm, to, relation, (), "knowledge base: unit of its parent organization")
    return Step(frm, to, relation, tuple(edge.claim_ids), edge.best_claim().evidence)


@dataclass(slots=True)
class Flow:
    """Where one component's weight ends up (`kept`) and passes (`through`), with paths."""

    kept: dict[str, float] = field(default_factory=dict)
    through: dict[str, float] = field(default_factory=dict)
    paths: dict[str, tuple[float, tuple[Step, ...]]] = field(default_factory=dict)


def _controller(deps: Dependencies, name: str) -> tuple[str, tuple[Step, ...]]:
    """The ultimate owner of `name` and the ownership steps to it (cycle-safe)."""
    steps: list[Step] = []
    seen = {name}
    while (owned := deps.owner(name)) is not None:
        parent, edge = owned
        if parent in seen:
            break
        steps.append(_step(name, parent, "owned by", edge))
        seen.add(parent)
        name = parent
    return name, tuple(steps)


def flow(
    deps: Dependencies, start: str, weight: float, retain: float = 0.5, depth: int = 2
) -> Flow:
    """Spread `weight` from `start` upstream (see the module docstring)."""
    out = Flow()
    stack: list[tuple[str, float, int, tuple[Step, ...], frozenset[str]]] = [
        (start, weight, 0, (), frozenset({start}))
    ]
    while stack:
        name, mass, hops, path, seen = stack.pop()
        out.through[name] = out.through.get(name, 0.0) + mass
        ups = [(u, w, e) for u, w, e in deps.upstream(name) if u not in seen]
        passed = 0.0
        if ups and hops < depth:
            passed = mass * (1.0 - retain)
            total = sum(w for _, w, _ in ups)
            for up, w, edge in ups:
                step = _step(name, up, _RELATION[edge.type], edge)
                stack.append((up, passed * w / total, hops + 1, (*path, step), seen | {up}))
        keep = mass - passed
        if deps.owner(name) is not None:
            parent, steps = _controller(deps, name)
            if parent not in seen and parent != name:
                owners = frozenset(s.to for s in steps)
                stack.append((parent, keep, hops, path + steps, seen | owners))
                continue
        out.kept[name] = out.kept.get(name, 0.0) + keep
        best = out.paths.get(name)
        if best is None or keep > best[0]:
            out.paths[name] = (keep, path)
    return out


@dataclass(slots=True)
class ComponentExposure:
    """One component: its items, where its weight ends up, and alternatives from other blocs."""

    label: str
    weight: float
    items: list[dict[str, Any]]
    providers: list[dict[str, Any]]  # ultimate providers: share of this component's weight
    depends_on: list[str]  # organizations receiving at least `material` of its weight
    alternatives: list[dict[str, Any]]


@dataclass(slots=True)
class Exposure:
    """A stack's exposure: shares per ultimate provider and bloc, HHI, single points of failure."""

    stack: str
    total_weight: float
    providers: list[dict[str, Any]]
    hhi: float
    equivalent_n: float
    blocs: list[dict[str, Any]]
    single_points_of_failure: list[dict[str, Any]]
    components: list[ComponentExposure]
    params: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def exposure(
    view: GraphView,
    stack: Stack,
    names: Names | None = None,
    retain: float = 0.5,
    depth: int = 2,
    material: float = 0.05,
    spof: float = 0.5,
    seed: int = 0,
    blocs: BlocPartition | None = None,
    alternatives: int = 3,
    min_sources: int = 2,
) -> Exposure:
    """The stack's dependence on ultimate providers and blocs (see the module docstring)."""
    if not 0.0 < retain <= 1.0:
        raise ValueError(f"retain must be in (0, 1], not {retain}")
    names = names or Names(organizations=view.nodes)
    deps = dependencies(view, min_sources)
    blocs = blocs or detect_blocs(view, seed=seed)
    rank = pagerank(view)
    total = stack.total_weight
    kept: dict[str, float] = {}
    reach: dict[str, float] = {}
    through_all: dict[str, float] = {}
    parts = []
    for comp in stack.components:
        merged = Flow()
        share = comp.weight / len(comp.items)
        for item in comp.items:
            f = flow(deps, item.owner, share, retain, depth)
            for src, dst in ((f.kept, merged.kept), (f.through, merged.through)):
                for k, v in src.items():
                    dst[k] = dst.get(k, 0.0) + v
            for k, (v, path) in f.paths.items():
                if k not in merged.paths or v > merged.paths[k][0]:
                    merged.paths[k] = (v, path)
        for k, v in merged.kept.items():
            kept[k] = kept.get(k, 0.0) + v
        for k, v in merged.through.items():
            through_all[k] = through_all.get(k, 0.0) + v
        material_orgs = sorted(
            (k for k, v in merged.through.items() if v >= material * comp.weight),
            key=lambda k: (-merged.through[k], k),
        )
        for k in material_orgs:
            reach[k] = reach.get(k, 0.0) + comp.weight
        parts.append(
            ComponentExposure(
                label=comp.label,
                weight=comp.weight,
                items=[asdict(i) for i in comp.items],
                providers=_providers(merged, comp.weight, blocs),
                depends_on=material_orgs,
                alternatives=_alternatives(
                    comp, set(material_orgs), names, blocs, rank, deps, alternatives
                ),
            )
        )
    providers = [
        {
            "organization": k,
            "share": v / total,
            "through": through_all.get(k, 0.0) / total,
            "affected": reach.get(k, 0.0) / total,
            "bloc": _bloc_label(blocs, k),
        }
        for k, v in sorted(kept.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    bloc_share: dict[str, float] = {}
    for p in providers:
        label = p["bloc"] or "(no bloc)"
        bloc_share[label] = bloc_share.get(label, 0.0) + p["share"]
    h = hhi(kept.values())
    spofs = [
        {"organization": k, "affected": w / total, "through": through_all[k] / total}
        for k, w in sorted(reach.items(), key=lambda kv: (-kv[1], -through_all[kv[0]], kv[0]))
        if w / total >= spof
    ]
    return Exposure(
        stack=stack.name,
        total_weight=total,
        providers=providers,
        hhi=h,
        equivalent_n=1.0 / h if h else 0.0,
        blocs=[
            {"bloc": b, "share": s}
            for b, s in sorted(bloc_share.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        single_points_of_failure=spofs,
        components=parts,
        params={
            "retain": retain,
            "depth": depth,
            "material": material,
            "spof": spof,
            "min_sources": min_sources,
        },
    )


def _bloc_label(blocs: BlocPartition, name: str) -> str | None:
    b = blocs.bloc_of(name)
    return b.label if b else None


def _providers(
    f: Flow, weight: float, blocs: BlocPartition, limit: int = PROVIDERS_LISTED
) -> list[dict[str, Any]]:
    """A component's ultimate providers, largest first, each with its dependency path; past
    `limit`, the rest is summed into one "(others)" row."""
    ranked = sorted(f.kept.items(), key=lambda kv: (-kv[1], kv[0]))
    rows = []
    for k, v in ranked[:limit]:
        _, path = f.paths[k]
        rows.append(
            {
                "organization": k,
                "share": v / weight,
                "bloc": _bloc_label(blocs, k),
                "path": [_step_dict(s) for s in path],
            }
        )
    rest = sum(v for _, v in ranked[limit:])
    if rest:
        rows.append({"organization": "(others)", "share": rest / weight, "bloc": None, "path": []})
    return rows


def _step_dict(step: Step) -> dict[str, Any]:
    return {
        "frm": step.frm,
        "to": step.to,
        "relation": step.relation,
        "claim_ids": list(step.claim_ids),
        "evidence": step.evidence,
    }


def _alternatives(
    comp: Component,
    avoid: set[str],
    names: Names,
    blocs: BlocPartition,
    rank: dict[str, float],
    deps: Dependencies,
    n: int,
) -> list[dict[str, Any]]:
    """Same-category products (or same-kind vendors) owned outside the component's blocs and
    dependencies: owners of the same kind (chip maker for a chip) first, then by PageRank."""
    own_blocs = {_bloc_label(blocs, _controller(deps, i.owner)[0]) for i in comp.items}
    own_blocs |= {_bloc_label(blocs, i.owner) for i in comp.items}
    out: list[dict[str, Any]] = []
    for item in comp.items:
        own_kind = names.kind_of(_controller(deps, item.owner)[0]) or names.kind_of(item.owner)
        if item.kind == "product":
            pool = [
                (p.name, p.owner)
                for p in names.products()
                if p.kind == item.category and p.owner and p.name != item.entity
            ]
        elif item.category:
            pool = [(o, o) for o in names.organizations_of_kind(item.category)]
        else:
            pool = []
        scored = []
        for product, owner in pool:
            top_owner = _controller(deps, owner)[0]
            bloc = _bloc_label(blocs, top_owner) or _bloc_label(blocs, owner)
            if owner in avoid or top_owner in avoid or bloc is None or bloc in own_blocs:
                continue
            score = max(rank.get(owner, 0.0), rank.get(top_owner, 0.0))
            other_kind = names.kind_of(top_owner) != own_kind and names.kind_of(owner) != own_kind
            scored.append((other_kind, -score, product, owner, bloc))
        scored.sort()
        seen_owner: set[str] = set()
        picked = []
        for _, _, product, owner, bloc in scored:
            if owner in seen_owner:
                continue
            seen_owner.add(owner)
            picked.append(
                {"for": item.entity, "alternative": product, "owner": owner, "bloc": bloc}
            )
            if len(picked) == n:
                break
        out.extend(picked)
    return out


__all__ = ["Exposure", "ComponentExposure", "Stack", "exposure", "parse_stack", "read_stack"]
