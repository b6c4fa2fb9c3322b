"""Exporters: the stored map as JSON, CSV, GraphML or GEXF, each registered like a plug-in.

Every exporter is `export(store, path, **options)` (option `as_of`: only claims known on that
date). Nodes are organizations; edges aggregate claims per (subject, object, type), with
symmetric types stored once in name order. Files are written atomically.
"""

from __future__ import annotations

import csv
import dataclasses
import enum
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliancemap.atomic import atomic_write
from alliancemap.model import RelationType
from alliancemap.registry import register_exporter

if TYPE_CHECKING:
    import networkx as nx

# Claim fields in the order CSV columns use; fields a store record adds are appended after.
CLAIM_COLUMNS = (
    "subject",
    "object",
    "type",
    "date",
    "evidence",
    "evidence_start",
    "evidence_end",
    "extractor",
    "confidence",
    "ended",
    "end_date",
    "value_usd",
    "value_text",
    "document_hash",
    "doc_id",
    "url",
    "title",
    "source",
    "published",
    "source_name",
)


@dataclass(slots=True)
class Node:
    """An organization of the map and what the store knows about it."""

    name: str
    kind: str | None = None
    country: str | None = None
    in_kb: bool = False
    degree: int = 0
    first_date: str | None = None


@dataclass(slots=True)
class Edge:
    """All claims for one (subject, object, type), with their aggregate figures."""

    subject: str
    object: str
    type: RelationType
    claims: list[Any] = field(default_factory=list)

    @property
    def n_claims(self) -> int:
        return len(self.claims)

    @property
    def n_sources(self) -> int:
        return len({source_key(c) for c in self.claims})

    @property
    def first_date(self) -> str | None:
        dates = [str(c.date) for c in self.claims if c.date]
        return min(dates) if dates else None

    @property
    def last_date(self) -> str | None:
        dates = [str(c.date) for c in self.claims if c.date]
        return max(dates) if dates else None

    @property
    def confidence(self) -> float:
        return max((float(c.confidence or 0.0) for c in self.claims), default=0.0)

    @property
    def ended(self) -> bool:
        return bool(self.claims) and all(c.ended for c in self.claims)

    @property
    def end_date(self) -> str | None:
        dates = [str(c.end_date) for c in self.claims if getattr(c, "end_date", None)]
        return max(dates) if self.ended and dates else None

    def best_claim(self) -> Any:
        """The claim shown when only one fits: highest confidence, then earliest."""
        return max(self.claims, key=lambda c: (float(c.confidence or 0.0), -_order(c.date)))

    def summary(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "object": self.object,
            "type": self.type.value,
            "polarity": self.type.polarity.value,
            "symmetric": self.type.symmetric,
            "n_claims": self.n_claims,
            "n_sources": self.n_sources,
            "first_date": self.first_date,
            "last_date": self.last_date,
            "confidence": round(self.confidence, 4),
            "ended": self.ended,
            "end_date": self.end_date,
        }


@dataclass(slots=True)
class MapGraph:
    """Organizations and aggregated edges, ready to be written in any format."""

    nodes: dict[str, Node]
    edges: list[Edge]


def _order(value: Any) -> int:
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    return int((digits + "00000000")[:8]) if digits else 99999999


def relation_type(value: Any) -> RelationType:
    """A claim's type as a RelationType, whether the store gives an enum or a string."""
    return value if isinstance(value, RelationType) else RelationType.parse(str(value))


def source_key(claim: Any) -> str:
    """What counts as one independent source of a claim: its document's near-duplicate group
    (syndicated copies of one story count once), else its document, else its citation."""
    for attr in ("source_group", "document_hash", "url", "source_name", "title", "source"):
        value = getattr(claim, attr, None)
        if value:
            return f"{attr}:{value}"
    return f"claim:{id(claim)}"


def source_label(claim: Any) -> str:
    """A short human citation of a claim's source: its URL, else its publication or title."""
    for attr in ("url", "source_name", "title", "source"):
        value = getattr(claim, attr, None)
        if value:
            return str(value)
    return ""


def build_graph(claims: Iterable[Any], entities: Iterable[Any] = ()) -> MapGraph:
    """Aggregate claims into edges per (subject, object, type) and organizations into nodes."""
    known = {e.name: e for e in entities}
    edges: dict[tuple[str, str, RelationType], Edge] = {}
    for claim in claims:
        rtype = relation_type(claim.type)
        a, b = claim.subject, claim.object
        if rtype.symmetric and b < a:
            a, b = b, a
        edges.setdefault((a, b, rtype), Edge(a, b, rtype)).claims.append(claim)
    neighbours: dict[str, set[str]] = {}
    for a, b, _ in edges:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    nodes: dict[str, Node] = {}
    for name in sorted(neighbours):
        ent = known.get(name)
        nodes[name] = Node(
            name=name,
            kind=getattr(ent, "kind", None),
            country=getattr(ent, "country", None),
            in_kb=bool(getattr(ent, "in_kb", False)),
            degree=len(neighbours[name] - {name}),
        )
    ordered = sorted(edges.values(), key=lambda e: (e.subject, e.object, e.type.value))
    for edge in ordered:
        first = edge.first_date
        for name in (edge.subject, edge.object):
            node = nodes[name]
            if first and (node.first_date is None or first < node.first_date):
                node.first_date = first
    return MapGraph(nodes, ordered)


def graph_from_store(store: Any, as_of: str | None = None) -> MapGraph:
    """The store's map, optionally as known on `as_of` (the store applies its as-of rules)."""
    claims = store.claims(as_of=as_of) if as_of else store.iter_claims()
    return build_graph(claims, store.entities())


def claim_dict(claim: Any) -> dict[str, Any]:
    """Every field of a claim record as JSON-ready values."""
    if dataclasses.is_dataclass(claim):
        raw = {f.name: getattr(claim, f.name) for f in dataclasses.fields(claim)}
    else:
        raw = {k: getattr(claim, k) for k in CLAIM_COLUMNS if hasattr(claim, k)}
    return {k: _plain(v) for k, v in raw.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def export_json(store: Any, path: str | Path, as_of: str | None = None) -> None:
    """Nodes, aggregated edges and every claim with its evidence and source, as one JSON file."""
    graph = graph_from_store(store, as_of)
    data = {
        "format": "alliancemap-graph",
        "version": 1,
        "as_of": as_of,
        "nodes": [dataclasses.asdict(n) for n in graph.nodes.values()],
        "edges": [
            {**e.summary(), "claims": [claim_dict(c) for c in e.claims]} for e in graph.edges
        ],
    }
    with atomic_write(path) as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
        fh.write("\n")


def export_csv(store: Any, path: str | Path, as_of: str | None = None) -> None:
    """One row per claim with all of its fields, plus the type's polarity and symmetry."""
    graph = graph_from_store(store, as_of)
    rows = [claim_dict(c) for e in graph.edges for c in e.claims]
    columns = list(CLAIM_COLUMNS)
    for row in rows[:1]:
        columns += [k for k in row if k not in columns]
    columns += ["polarity", "symmetric"]
    with atomic_write(path) as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            rtype = relation_type(row["type"])
            writer.writerow({**row, "polarity": rtype.polarity.value, "symmetric": rtype.symmetric})


def to_networkx(graph: MapGraph, dynamic: bool = False) -> nx.MultiDiGraph:
    """A MultiDiGraph keyed by relation type; None values dropped (GraphML/GEXF have no null).

    With `dynamic`, nodes and edges get GEXF `start` (and `end` for ended relations) dates, and
    the relation type moves to `relation`, because GEXF reserves an edge's `type` for direction.
    """
    import networkx as nx  # loaded on use: it is heavy, and most commands never need it

    g = nx.MultiDiGraph(name="alliancemap")
    for node in graph.nodes.values():
        attrs: dict[str, Any] = {
            "kind": node.kind,
            "country": node.country,
            "in_kb": node.in_kb,
            "degree": node.degree,
        }
        if dynamic:
            attrs["label"] = node.name
            attrs["start"] = _full_date(node.first_date)
        g.add_node(node.name, **_no_none(attrs))
    for edge in graph.edges:
        best = edge.best_claim()
        attrs = {
            **edge.summary(),
            "evidence": best.evidence,
            "source": source_label(best) or None,
        }
        del attrs["subject"], attrs["object"]
        if dynamic:
            attrs["relation"] = attrs.pop("type")
            attrs["label"] = edge.type.value
            attrs["start"] = _full_date(edge.first_date)
            attrs["end"] = _full_date(edge.end_date)
        g.add_edge(edge.subject, edge.object, key=edge.type.value, **_no_none(attrs))
    if dynamic:
        g.graph["mode"] = "dynamic"
    return g


def _no_none(attrs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attrs.items() if v is not None}


def _full_date(value: str | None) -> str | None:
    """A GEXF date (YYYY-MM-DD) from a claim date of any precision: the period's first day."""
    if not value:
        return None
    parts = str(value)[:10].split("-")
    while len(parts) < 3:
        parts.append("01")
    return "-".join(parts)


def export_graphml(store: Any, path: str | Path, as_of: str | None = None) -> None:
    """GraphML for Gephi, Cytoscape, yEd: one edge per (subject, object, type)."""
    import networkx as nx

    g = to_networkx(graph_from_store(store, as_of))
    with atomic_write(path, "wb") as fh:
        nx.write_graphml(g, fh)


def export_gexf(store: Any, path: str | Path, as_of: str | None = None) -> None:
    """Dynamic GEXF: node and edge `start` dates drive Gephi's timeline."""
    import networkx as nx

    g = to_networkx(graph_from_store(store, as_of), dynamic=True)
    with atomic_write(path, "wb") as fh:
        nx.write_gexf(g, fh)


register_exporter("json", export_json)
register_exporter("csv", export_csv)
register_exporter("graphml", export_graphml)
register_exporter("gexf", export_gexf)
