"""Node positions for the web map, computed once per store and shared by every view.

One layout of the whole map (every tie, every date, ended ones too) gives each organization
a fixed place, so moving the as-of date or a filter only shows and hides nodes and edges:
the map grows in place, year after year, instead of reshuffling.

Each connected component is laid out on its own with Fruchterman-Reingold (igraph, seeded),
ties inside a bloc (Leiden communities of the cooperative ties, as the map colours them)
pulled tighter, so blocs form visible regions. The largest
component sits in the middle, the others on rings around it, largest first. Every component
is scaled so its area grows with its size, its few farthest stragglers pulled in. The whole thing takes about a second for the
corpus map (4,000 organizations in the main component, 700 small ones).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import igraph as ig

from alliancemap.graph.blocs import seeded_igraph

Positions = dict[str, tuple[float, float]]

SPREAD = 1.0  # radius of a component of n nodes: SPREAD * sqrt(n)
GAP = 1.2  # space between components on a ring
INSIDE = 4.0  # attraction of a tie inside a community, relative to...
ACROSS = 0.5  # ...a tie across communities
OUTLIER = 1.15  # the farthest nodes sit at most this far out, in 95th-percentile radii


def layout_pairs(
    pairs: Sequence[tuple[str, str]], seed: int = 0, groups: Mapping[str, int] | None = None
) -> Positions:
    """Positions of every organization named in `pairs` (undirected ties, repeats allowed).

    `groups` ({name: community}, e.g. the map's blocs) are the communities whose ties pull
    tighter; without them each large component gets its own Leiden communities."""
    names = sorted({n for pair in pairs for n in pair})
    if not names:
        return {}
    index = {n: i for i, n in enumerate(names)}
    edges = sorted({tuple(sorted((index[a], index[b]))) for a, b in pairs if a != b})
    graph = ig.Graph(n=len(names), edges=edges, directed=False)
    community = None
    if groups is not None:
        community = [groups.get(n, -1 - i) for i, n in enumerate(names)]  # alone if unknown
    with seeded_igraph(seed):
        parts = [_component(graph, members, community) for members in graph.connected_components()]
    parts.sort(key=lambda p: (-len(p[0]), min(names[v] for v in p[0])))
    return _pack(parts, names)


def _component(
    graph: ig.Graph, members: list[int], community: Sequence[int] | None = None
) -> tuple[list[int], list[tuple[float, float]]]:
    """One component laid out and centred, scaled to radius SPREAD * sqrt(n)."""
    n = len(members)
    if n == 1:
        return members, [(0.0, 0.0)]
    if n == 2:
        return members, [(-0.5, 0.0), (0.5, 0.0)]
    sub = graph.subgraph(members)
    weights = None
    if n > 30:
        if community is not None:
            membership = [community[v] for v in members]
        else:
            membership = sub.community_leiden(objective_function="modularity").membership
        weights = [
            INSIDE if membership[e.source] == membership[e.target] else ACROSS for e in sub.es
        ]
    niter = 500 if n < 1000 else 800
    coords = sub.layout_fruchterman_reingold(niter=niter, weights=weights).coords
    cx = sum(x for x, _ in coords) / n
    cy = sum(y for _, y in coords) / n
    dists = sorted(math.hypot(x - cx, y - cy) for x, y in coords)
    typical = dists[int(0.95 * (n - 1))] or dists[-1] or 1.0
    scale = SPREAD * math.sqrt(n) / (OUTLIER * typical)
    out = []
    for x, y in coords:  # stragglers beyond OUTLIER x the 95th percentile are pulled in
        dx, dy = x - cx, y - cy
        d = math.hypot(dx, dy)
        pull = OUTLIER * typical / d if d > OUTLIER * typical else 1.0
        out.append((dx * pull * scale, dy * pull * scale))
    return members, out


def _pack(parts: list[tuple[list[int], list[tuple[float, float]]]], names: list[str]) -> Positions:
    """The first (largest) component in the middle, the others along rings around it."""
    out: Positions = {}
    ring = 0.0  # radius of the current ring's centre line
    angle = 0.0  # arc used on the current ring, in radians
    widest = 0.0  # largest component radius on the current ring
    for i, (members, coords) in enumerate(parts):
        r = SPREAD * math.sqrt(len(members)) if len(members) > 2 else 0.8
        if i == 0:
            cx = cy = 0.0
            ring = r + GAP
        else:
            if ring == 0.0:
                ring = GAP
            step = 2.0 * math.asin(min(1.0, (r + GAP / 2) / max(ring + r, 1e-9)))
            if angle and angle + step > 2 * math.pi:
                ring += 2 * widest + GAP
                angle, widest = 0.0, 0.0
            centre = ring + r
            a = angle + step / 2
            cx, cy = centre * math.cos(a), centre * math.sin(a)
            angle += step
            widest = max(widest, r)
        for v, (x, y) in zip(members, coords, strict=True):
            out[names[v]] = (round(cx + x, 3), round(cy + y, 3))
    return out
