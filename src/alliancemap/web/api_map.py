"""The map's endpoints: what the store holds, the graph, an organization, an edge, search."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from alliancemap import __version__
from alliancemap.graph.dates import effective_date, not_after
from alliancemap.graph.view import ViewParams
from alliancemap.model import RelationType
from alliancemap.web import measures, payloads
from alliancemap.web.data import MapData
from alliancemap.web.params import Rendered, checked, map_data, render, respond, view_params
from alliancemap.web.schemas import EdgeOut, ErrorOut, GraphOut, MetaOut, OrgOut, SearchOut

router = APIRouter(prefix="/api", tags=["map"])
Data = Annotated[MapData, Depends(map_data)]
View = Annotated[ViewParams, Depends(view_params)]
Name = Annotated[str, Query(min_length=1, max_length=300, description="An organization.")]
ERRORS: dict[int | str, dict[str, Any]] = {400: {"model": ErrorOut}, 404: {"model": ErrorOut}}


@router.get("/meta", response_model=MetaOut)
def meta(data: Data) -> dict[str, Any]:
    """What the store holds, the relation types, the slider's years and the measures."""
    from alliancemap.web.app import bundle_built

    stats = data.snapshot().stats
    return {
        "version": __version__,
        "store": {
            k: stats.get(k)
            for k in ("documents", "organizations", "products", "claims", "kb_claims")
        }
        | {"claims_by_type": stats.get("claims_by_type", {})},
        "types": [
            {
                "name": t.value,
                "polarity": t.polarity.value,
                "symmetric": t.symmetric,
                "direction": t.direction,
            }
            for t in RelationType
        ],
        "years": data.years(),
        "size_measures": list(measures.SIZE_MEASURES),
        "rank_measures": list(measures.RANK_BY),
        "ui": bundle_built(),
    }


@router.get("/graph", responses={200: {"model": GraphOut}, **ERRORS})
def graph(
    request: Request,
    data: Data,
    params: View,
    size_by: Annotated[
        str, Query(description="Measure that sizes the nodes: " + ", ".join(measures.SIZE_MEASURES))
    ] = "degree",
) -> Response:
    """The map as of a date with filters: organizations (placed, sized, in blocs) and edges."""
    if size_by not in measures.SIZE_MEASURES:
        raise HTTPException(
            400, f"unknown measure {size_by!r} (use {', '.join(measures.SIZE_MEASURES)})"
        )
    return respond(request, graph_body(data, params, size_by))


def graph_body(data: MapData, params: ViewParams, size_by: str = "degree") -> Rendered:
    """The map's JSON for a view and a size measure, rendered once per view."""
    view = data.view(params)
    return data.cached(
        view,
        ("web", "graph-json", size_by),
        lambda: render(payloads.graph_payload(data, view, size_by)),
    )


def _resolve(data: MapData, name: str) -> str:
    canonical = data.store.resolve(name)
    if canonical is None:
        raise HTTPException(404, f"unknown organization {name!r}")
    return canonical


@router.get("/org", responses={200: {"model": OrgOut}, **ERRORS})
def organization(request: Request, data: Data, params: View, name: Name) -> Response:
    """An organization: profile, partners by relation type, measures and timeline."""
    canonical = _resolve(data, name)
    view = data.view(params)

    def build() -> Rendered:
        claims = data.store.claims(org=canonical)
        kept = [c for c in claims if _in_timeline(c, params)]
        return render(payloads.profile_payload(data, view, canonical, kept))

    return respond(request, data.cached(view, ("web", "org", canonical), build))


def _in_timeline(claim: Any, params: ViewParams) -> bool:
    """Whether a claim belongs to the timeline under the view's filters."""
    if params.types is not None and claim.type not in params.types:
        return False
    if params.polarity is not None and claim.type.polarity != params.polarity:
        return False
    if float(claim.confidence or 0.0) < params.min_confidence:
        return False
    if params.as_of:
        when = effective_date(claim)
        return when is not None and not_after(when, params.as_of)
    return True


@router.get("/edge", responses={200: {"model": EdgeOut}, **ERRORS})
def edge(
    request: Request,
    data: Data,
    params: View,
    source: Name,
    target: Name,
    type: Annotated[str, Query(max_length=20, description="The relation type.")],
) -> Response:
    """Every claim behind one edge of the view: evidence, source link, date, extractor."""
    rtype = checked(RelationType.parse, type)
    view = data.view(params)
    found = payloads.find_edge(view, source, target, rtype)
    if found is None:
        a, b = _resolve(data, source), _resolve(data, target)
        found = payloads.find_edge(view, a, b, rtype)
    if found is None:
        raise HTTPException(
            404, f"no {rtype.value} edge between {source!r} and {target!r} in this view"
        )
    key = ("web", "edge", found.source, found.target, rtype.value)
    return respond(
        request, data.cached(view, key, lambda: render(payloads.edge_payload(view, found)))
    )


@router.get("/search", response_model=SearchOut)
def search(
    data: Data,
    q: Annotated[str, Query(max_length=100, description="What the user has typed so far.")],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> dict[str, Any]:
    """Organizations whose name, alias or product matches, best first (for autocomplete)."""
    hits = data.search_index().search(q, limit)
    return {"query": q, "results": [h.to_dict() for h in hits]}
