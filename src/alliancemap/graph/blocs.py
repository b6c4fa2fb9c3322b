"""Blocs: communities of cooperative ties (Leiden, modularity, seeded) and how they change.

Leiden (Traag, van Eck and Waltman, 2019) runs on the undirected cooperative ties weighted by
independent sources, through igraph, with igraph's random numbers drawn from
`random.Random(seed)`: the same view and seed give the same blocs. A bloc is named after its
member with the most tie weight ("Microsoft bloc"); blocs smaller than `min_size` are
counted, not listed.

Year by year, each year's map (as known at the end of that year) is partitioned starting
from the previous year's blocs, so a bloc persists unless new ties pull it apart. A bloc
continues the previous year's bloc it shares most members with (at least 30% of that bloc;
of several such, the one holding the old leader is the heir, else the largest share, and
the others split off), which follows blocs as they grow: born, split, merged, dissolved,
or re-formed (its leader leads a bloc again, mostly of other members).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

import igraph as ig
import numpy as np

from alliancemap.graph.network import COOPERATIVE, Network, network, network_at
from alliancemap.graph.view import GraphView, active_years
from alliancemap.model import Polarity

MIN_SIZE = 3
MATCH_SHARE = 0.3  # least share of an earlier bloc's members for a bloc to continue it


@contextmanager
def seeded_igraph(seed: int) -> Iterator[None]:
    """igraph draws its random numbers from `random.Random(seed)` inside the block."""
    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


@dataclass(slots=True)
class Bloc:
    """One community: members by tie weight (strongest first) and its tie counts."""

    id: int
    label: str
    size: int
    members: list[str]
    internal_ties: int
    external_ties: int
    lineage: int | None = None

    def to_dict(self, members: int | None = None) -> dict[str, Any]:
        data = asdict(self)
        if members is not None:
            data["members"] = self.members[:members]
        return data


@dataclass(slots=True)
class BlocPartition:
    """Blocs of at least `min_size` members, everyone's bloc id, and the partition's quality."""

    blocs: list[Bloc]
    membership: dict[str, int]
    modularity: float
    n_organizations: int
    n_ties: int
    small_blocs: int
    in_small_blocs: int
    seed: int
    resolution: float
    by_id: dict[int, Bloc] = field(default_factory=dict, repr=False, compare=False)

    def bloc_of(self, name: str) -> Bloc | None:
        """The listed bloc an organization belongs to (None if unknown or in a small bloc)."""
        if len(self.by_id) != len(self.blocs):
            self.by_id.update({b.id: b for b in self.blocs})
        return self.by_id.get(self.membership.get(name, -1))

    def to_dict(self, members: int | None = None) -> dict[str, Any]:
        return {
            "modularity": self.modularity,
            "organizations": self.n_organizations,
            "ties": self.n_ties,
            "blocs": [b.to_dict(members) for b in self.blocs],
            "small_blocs": self.small_blocs,
            "in_small_blocs": self.in_small_blocs,
            "seed": self.seed,
            "resolution": self.resolution,
        }


def leiden_membership(
    net: Network,
    seed: int = 0,
    resolution: float = 1.0,
    initial: Sequence[int] | None = None,
    iterations: int = 2,
) -> tuple[list[int], float]:
    """Leiden (modularity) membership per vertex and the modularity, seeded; two iterations
    (igraph's default: iterating to a fixed point costs 3-6 times more for a modularity
    gain under 1e-4 on a million ties)."""
    if net.n == 0:
        return [], 0.0
    with seeded_igraph(seed):
        part = net.graph.community_leiden(
            objective_function="modularity",
            weights="weight",
            resolution=resolution,
            initial_membership=list(initial) if initial is not None else None,
            n_iterations=iterations,
        )
    membership = list(part.membership)
    quality = net.graph.modularity(membership, weights="weight", resolution=resolution)
    return membership, float(quality)


def partition(
    net: Network,
    membership: Sequence[int],
    modularity: float,
    seed: int = 0,
    resolution: float = 1.0,
    min_size: int = MIN_SIZE,
) -> BlocPartition:
    """Blocs from a vertex membership: renumbered by size, then tie weight, then first name
    (0 = largest), named after their strongest member, with their ties counted."""
    g = net.graph
    n = net.n
    strength = np.asarray(g.strength(weights="weight"), dtype=float) if n else np.zeros(0)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(np.array(net.names, dtype=object), kind="stable")] = np.arange(n)
    _, group = np.unique(np.asarray(membership, dtype=np.int64), return_inverse=True)
    group = group.ravel()
    k = int(group.max()) + 1 if n else 0
    size = np.bincount(group, minlength=k)
    weight = np.bincount(group, weights=strength, minlength=k)
    first = np.full(k, n, dtype=np.int64)
    np.minimum.at(first, group, rank)
    new_id = np.empty(k, dtype=np.int64)
    new_id[np.lexsort((first, -weight, -size))] = np.arange(k)
    ids = new_id[group]
    pairs = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    ia, ib = ids[pairs[:, 0]], ids[pairs[:, 1]]
    same = ia == ib
    internal = np.bincount(ia[same], minlength=k)
    external = np.bincount(ia[~same], minlength=k) + np.bincount(ib[~same], minlength=k)
    order = np.lexsort((rank, -strength, ids))  # by bloc, strongest first, then by name
    bounds = np.searchsorted(ids[order], np.arange(k + 1))
    sizes = size[np.argsort(new_id)] if k else size  # size by new id
    blocs = []
    for i in np.nonzero(sizes >= min_size)[0].tolist():
        members = [net.names[v] for v in order[bounds[i] : bounds[i + 1]].tolist()]
        blocs.append(Bloc(i, members[0], len(members), members, int(internal[i]), int(external[i])))
    small = sizes < min_size
    return BlocPartition(
        blocs=blocs,
        membership=dict(zip(net.names, ids.tolist(), strict=True)),
        modularity=modularity,
        n_organizations=n,
        n_ties=net.m,
        small_blocs=int(small.sum()),
        in_small_blocs=int(sizes[small].sum()),
        seed=seed,
        resolution=resolution,
    )


def detect_blocs(
    graph: GraphView | Network | Any,
    seed: int = 0,
    resolution: float = 1.0,
    min_size: int = MIN_SIZE,
    polarity: Polarity | str | None = COOPERATIVE,
    initial: dict[str, int] | None = None,
) -> BlocPartition:
    """Blocs of the cooperative ties (Leiden, modularity); `initial` warm-starts from a
    {name: bloc} membership (organizations it lacks start alone). Cached on a view."""
    key = ("blocs", seed, resolution, min_size, str(polarity))
    cache = graph.cache if isinstance(graph, GraphView) and initial is None else {}
    if key in cache:
        return cache[key]
    net = network(graph, polarity)
    start = _initial(net, initial) if initial is not None else None
    membership, quality = leiden_membership(net, seed, resolution, start)
    found = cache[key] = partition(net, membership, quality, seed, resolution, min_size)
    return found


def _initial(net: Network, initial: dict[str, int]) -> list[int]:
    """A vertex membership from {name: bloc}; unknown names get fresh singleton blocs."""
    ids: dict[Any, int] = {}
    start = []
    for v, name in enumerate(net.names):
        key = ("bloc", initial[name]) if name in initial else ("alone", v)
        start.append(ids.setdefault(key, len(ids)))
    return start


def nmi(a: dict[str, int], b: dict[str, int]) -> float | None:
    """Normalised mutual information of two memberships over the names they share."""
    common = sorted(set(a) & set(b))
    if len(common) < 2:
        return None
    return float(
        ig.compare_communities([a[n] for n in common], [b[n] for n in common], method="nmi")
    )


@dataclass(slots=True)
class BlocYear:
    """The blocs of one year, their lineage and what changed since the year before."""

    year: int
    partition: BlocPartition
    events: list[dict[str, Any]] = field(default_factory=list)
    movers: list[dict[str, Any]] = field(default_factory=list)
    nmi_previous: float | None = None

    def to_dict(self, members: int | None = 10) -> dict[str, Any]:
        return {
            "year": self.year,
            **self.partition.to_dict(members),
            "nmi_previous": self.nmi_previous,
            "events": self.events,
            "movers": self.movers,
        }


def bloc_history(
    view: GraphView,
    years: Sequence[int] | None = None,
    seed: int = 0,
    resolution: float = 1.0,
    min_size: int = MIN_SIZE,
    min_ties: int = 20,
    notable: int = 10,
    leaders: int = 30,
) -> list[BlocYear]:
    """Blocs year by year (each year's map as known at its end), warm-started from and
    matched to the previous year's. Years default to `active_years(view, min_ties)`; events
    concern blocs of at least `notable` members; `movers` are the `leaders` best-tied
    organizations of the year that changed bloc lineage."""
    years = list(years) if years is not None else active_years(view, min_ties)
    out: list[BlocYear] = []
    previous: BlocYear | None = None
    next_lineage = 0
    for y in years:
        net = year_network(view, y)
        start = previous.partition.membership if previous else None
        part = detect_blocs(net, seed, resolution, min_size, initial=start)
        current = BlocYear(y, part)
        next_lineage = _link(previous, current, next_lineage, notable)
        if previous is not None:
            _movers(previous, current, net, leaders)
            current.nmi_previous = nmi(previous.partition.membership, part.membership)
        out.append(current)
        previous = current
    return out


def year_network(view: GraphView, at_year: int) -> Network:
    """The cooperative ties standing at the end of a year (fast path without `since`)."""
    if view.params.since is None:
        return network_at(view, at_year)
    return network(view.at(as_of=str(at_year), since=view.params.since))


def _link(previous: BlocYear | None, current: BlocYear, next_id: int, notable: int) -> int:
    """Give each bloc the lineage of the previous year's bloc it shares most members with,
    if it holds at least MATCH_SHARE of them; note births, splits, merges and dissolutions."""
    blocs = current.partition.blocs

    def note(event: dict[str, Any], size: int) -> None:
        if size >= notable:
            current.events.append(event)

    if previous is None:
        for b in blocs:
            b.lineage, next_id = next_id, next_id + 1
            note({"event": "born", "bloc": b.label, "size": b.size}, b.size)
        return next_id
    before = {b.lineage: b for b in previous.partition.blocs}
    lineage_of = {name: b.lineage for b in previous.partition.blocs for name in b.members}
    heirs: dict[int, list[tuple[int, Bloc]]] = {}
    for b in blocs:
        counts = Counter(lin for n in b.members if (lin := lineage_of.get(n)) is not None)
        shared, lin = max(((c, -lin) for lin, c in counts.items()), default=(0, None))
        lin = -lin if lin is not None else None
        if lin is not None and shared and shared >= MATCH_SHARE * before[lin].size:
            heirs.setdefault(lin, []).append((shared, b))
        else:
            b.lineage, next_id = next_id, next_id + 1
            note({"event": "born", "bloc": b.label, "size": b.size}, b.size)
    for lin, found in heirs.items():
        leader = before[lin].label  # the bloc follows its leader, else its largest part
        found.sort(key=lambda t: (leader not in t[1].members, -t[0], -t[1].size, t[1].label))
        found[0][1].lineage = lin
        for _, other in found[1:]:
            other.lineage, next_id = next_id, next_id + 1
            if other.label == before[lin].label:
                event = {"event": "re-formed", "bloc": other.label}
            else:
                event = {"event": "split", "bloc": other.label, "from": before[lin].label}
            note({**event, "size": other.size}, other.size)
    for lin, old in before.items():
        if lin in heirs:
            continue
        landed = Counter(
            b.label for n in old.members if (b := current.partition.bloc_of(n)) is not None
        )
        if landed:
            into = landed.most_common(1)[0][0]
            if into == old.label:  # its leader leads a bloc again, mostly of other members
                note({"event": "re-formed", "bloc": old.label, "size": old.size}, old.size)
            else:
                event = {"event": "merged", "bloc": old.label, "into": into, "size": old.size}
                note(event, old.size)
        else:
            note({"event": "dissolved", "bloc": old.label, "size": old.size}, old.size)
    return next_id


def _movers(previous: BlocYear, current: BlocYear, net: Network, leaders: int) -> None:
    """The `leaders` organizations with most tie weight whose bloc changed (lineage and name)."""
    strength = net.graph.strength(weights="weight")
    ranked = sorted(range(net.n), key=lambda v: (-strength[v], net.names[v]))[:leaders]
    for v in ranked:
        name = net.names[v]
        before, after = previous.partition.bloc_of(name), current.partition.bloc_of(name)
        if before and after and before.lineage != after.lineage and before.label != after.label:
            current.movers.append({"organization": name, "from": before.label, "to": after.label})
