"""The JSON the API answers with: the map, an organization, an edge and its claims.

Everything here is plain data. Text from the store (names, evidence, titles) goes out as it
is: the front end writes it with `textContent`, never as HTML. Links are only given for
http(s) URLs, so a stored `javascript:` URL can never become a link.
"""

from __future__ import annotations

from typing import Any

from alliancemap.export import source_label
from alliancemap.graph.dates import effective_date
from alliancemap.graph.view import GraphView, ViewEdge
from alliancemap.model import RelationType
from alliancemap.web import measures
from alliancemap.web.data import MapData

MAX_TIMELINE = 500  # claims listed in an organization's timeline: the latest, then undated


def safe_link(url: str | None) -> str | None:
    """`url` when it is an http(s) URL, else None."""
    if not url:
        return None
    text = str(url).strip()
    return text if text.lower().startswith(("http://", "https://")) else None


def view_summary(view: GraphView) -> dict[str, Any]:
    """The view's filters and counts."""
    return view.summary()


def edge_id(edge: ViewEdge) -> str:
    """The key the front end uses for an edge."""
    return f"{edge.source}\x1f{edge.target}\x1f{edge.type.value}"


def edge_json(edge: ViewEdge) -> dict[str, Any]:
    """An edge's figures, without its claims."""
    return {
        "source": edge.source,
        "target": edge.target,
        "type": edge.type.value,
        "polarity": edge.polarity.value,
        "directed": not edge.symmetric,
        "n_claims": len(edge.claims),
        "n_sources": edge.n_sources,
        "confidence": round(edge.confidence, 3),
        "first_date": edge.first_date,
        "last_date": edge.last_date,
        "ended": edge.ended,
    }


def graph_payload(data: MapData, view: GraphView, size_by: str) -> dict[str, Any]:
    """The map: organizations with their places, sizes and blocs; edges; the blocs."""
    positions = data.positions()
    values = measures.size_values(data, view, size_by)
    degree = measures.degrees(data, view)
    part = measures.blocs(data, view)
    listed = {b.id for b in part.blocs}
    nodes = []
    for name, node in view.nodes.items():
        x, y = positions.get(name, (0.0, 0.0))
        bloc = part.membership.get(name)
        nodes.append(
            {
                "id": name,
                "x": x,
                "y": y,
                "kind": node.kind,
                "bloc": bloc if bloc in listed else None,
                "partners": degree.get(name, {}).get("all", 0),
                "size": measures.finite(values.get(name, 0.0)) or 0.0,
            }
        )
    return {
        "view": view_summary(view),
        "size_by": size_by,
        "blocs": [{"id": b.id, "label": b.label, "size": b.size} for b in part.blocs],
        "nodes": nodes,
        "edges": [edge_json(e) for e in view.edges],
    }


def claim_json(claim: Any) -> dict[str, Any]:
    """One claim with its evidence and provenance."""
    rtype = RelationType(getattr(claim.type, "value", claim.type))
    return {
        "id": claim.id,
        "subject": claim.subject,
        "object": claim.object,
        "type": rtype.value,
        "polarity": rtype.polarity.value,
        "date": claim.date,
        "effective_date": effective_date(claim),
        "evidence": claim.evidence,
        "extractor": claim.extractor,
        "confidence": round(float(claim.confidence or 0.0), 3),
        "ended": bool(claim.ended),
        "end_date": claim.end_date,
        "value_usd": claim.value_usd,
        "value_text": claim.value_text,
        "source": source_label(claim) or None,
        "link": safe_link(claim.url),
        "title": claim.title,
        "published": claim.published,
        "from_kb": claim.document_hash is None,
        "document": claim.doc_id,
    }


def _by_date(claims: list[Any]) -> list[Any]:
    return sorted(claims, key=lambda c: (effective_date(c) or "9999", c.id))


def edge_payload(view: GraphView, edge: ViewEdge) -> dict[str, Any]:
    """An edge with every claim behind it, oldest first."""
    return {
        "view": view_summary(view),
        **edge_json(edge),
        "claims": [claim_json(c) for c in _by_date(edge.claims)],
    }


def find_edge(view: GraphView, source: str, target: str, rtype: RelationType) -> ViewEdge | None:
    """The view's edge of one type between two organizations (either way round)."""
    for edge in view.between(source, target):
        if edge.type == rtype:
            return edge
    return None


def partner_groups(view: GraphView, name: str) -> list[dict[str, Any]]:
    """The organization's edges in the view as partners grouped by relation type."""
    groups: dict[RelationType, list[dict[str, Any]]] = {}
    for edge in view.edges_of(name):
        direction = "both" if edge.symmetric else ("out" if edge.source == name else "in")
        partner = edge.target if edge.source == name else edge.source
        best = edge.best_claim()
        groups.setdefault(edge.type, []).append(
            {
                "partner": partner,
                "direction": direction,
                "n_claims": len(edge.claims),
                "n_sources": edge.n_sources,
                "first_date": edge.first_date,
                "last_date": edge.last_date,
                "evidence": best.evidence,
                "source": source_label(best) or None,
                "link": safe_link(best.url),
            }
        )
    out = []
    for rtype in RelationType:
        rows = groups.get(rtype)
        if not rows:
            continue
        rows.sort(key=lambda r: (-r["n_sources"], -r["n_claims"], r["partner"].casefold()))
        out.append(
            {
                "type": rtype.value,
                "polarity": rtype.polarity.value,
                "direction": rtype.direction,
                "partners": rows,
            }
        )
    return out


def profile_payload(
    data: MapData, view: GraphView, name: str, timeline: list[Any]
) -> dict[str, Any]:
    """An organization: what the store knows, its partners, measures and timeline."""
    entity = data.entity(name)
    node = view.nodes.get(name)
    dated = _by_date([c for c in timeline if effective_date(c)])[-MAX_TIMELINE:]
    undated = [c for c in timeline if not effective_date(c)]
    kept = dated + undated[: MAX_TIMELINE - len(dated)]
    return {
        "view": view_summary(view),
        "name": name,
        "kind": entity.kind if entity else (node.kind if node else None),
        "country": entity.country if entity else None,
        "parent": entity.parent if entity else None,
        "aliases": list(entity.aliases) if entity else [],
        "in_kb": bool(entity.in_kb) if entity else False,
        "on_map": node is not None,
        "measures": measures.organization_measures(data, view, name),
        "partners": partner_groups(view, name),
        "timeline": [claim_json(c) for c in kept],
        "timeline_total": len(timeline),
    }
