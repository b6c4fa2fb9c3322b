"""The measures' endpoints: ranks, blocs, concentration over time, transitions, exposure."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from alliancemap.errors import AllianceMapError
from alliancemap.graph.concentration import concentration as concentration_rows
from alliancemap.graph.concentration import trend
from alliancemap.graph.exposure import exposure as stack_exposure
from alliancemap.graph.exposure import parse_stack
from alliancemap.graph.names import Names
from alliancemap.graph.report import example_stack_path
from alliancemap.graph.transitions import ALLIES_TO_RIVALS, RIVALS_TO_ALLIES, transitions
from alliancemap.graph.view import ViewParams, make_params
from alliancemap.web import measures
from alliancemap.web.data import MapData
from alliancemap.web.params import Rendered, checked, map_data, render, respond, view_params
from alliancemap.web.schemas import (
    BlocsOut,
    ConcentrationOut,
    ErrorOut,
    ExampleStackOut,
    ExposureIn,
    ExposureOut,
    RanksOut,
    TransitionsOut,
)

router = APIRouter(prefix="/api", tags=["measures"])
Data = Annotated[MapData, Depends(map_data)]
View = Annotated[ViewParams, Depends(view_params)]
ERRORS: dict[int | str, dict[str, Any]] = {400: {"model": ErrorOut}}
MAX_STACK = 64 * 1024  # bytes of stack text accepted


@router.get("/measures/ranks", responses={200: {"model": RanksOut}, **ERRORS})
def ranks(
    request: Request,
    data: Data,
    params: View,
    by: Annotated[str, Query(description=", ".join(measures.RANK_BY))] = "pagerank",
    top: Annotated[int, Query(ge=1, le=500)] = 20,
) -> Response:
    """Organizations ranked by PageRank, betweenness, brokerage (effective size, constraint)
    or partners, on the view's cooperative ties."""
    view = data.view(params)

    def build() -> Rendered:
        rows = checked(measures.rank_rows, data, view, by, top)
        return render({"view": view.summary(), "by": by, "rows": rows})

    return respond(request, data.cached(view, ("web", "ranks", by, top), build))


@router.get("/measures/blocs", responses={200: {"model": BlocsOut}, **ERRORS})
def blocs(
    request: Request,
    data: Data,
    params: View,
    members: Annotated[int, Query(ge=1, le=1000, description="Members listed per bloc.")] = 10,
) -> Response:
    """Blocs of cooperative ties (Leiden, seeded), largest first, strongest members first."""
    view = data.view(params)
    part = measures.blocs(data, view)
    return respond(request, {"view": view.summary(), **part.to_dict(members)})


@router.get("/measures/concentration", responses={200: {"model": ConcentrationOut}, **ERRORS})
def concentration(
    request: Request,
    data: Data,
    params: View,
    by: Annotated[
        str | None, Query(description="year, type or year-type; none: overall.")
    ] = "year",
    basis: Annotated[str, Query(description="Per year: new ties, or the stock standing.")] = "new",
    min_ties: Annotated[int, Query(ge=1, le=100_000, description="Least ties for a row.")] = 20,
) -> Response:
    """HHI, CR4 and top-5 reach of cooperative ties (and deal value), overall or per year."""
    view = data.view(params)

    def build() -> Rendered:
        mode = by or None
        rows = checked(concentration_rows, view, by=mode, basis=basis, min_ties=min_ties)
        coop = [r for r in rows if r.scope == "cooperative"]
        found = trend(coop, "hhi", name="HHI") if mode in ("year", "year-type") else None
        return render(
            {
                "view": view.summary(),
                "by": mode,
                "basis": basis,
                "rows": [r.to_dict() for r in rows],
                "trend": found.describe(10000, 0) if found else None,
            }
        )

    return respond(request, data.cached(view, ("web", "concentration", by, basis, min_ties), build))


@router.get("/measures/transitions", responses={200: {"model": TransitionsOut}, **ERRORS})
def transitions_table(
    request: Request,
    data: Data,
    params: View,
    kind: Annotated[str, Query(description=f"{RIVALS_TO_ALLIES} or {ALLIES_TO_RIVALS}")] = (
        RIVALS_TO_ALLIES
    ),
    top: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    """Rivals who became allies (or the reverse), each with the two dated claims that show it."""
    view = data.view(replace(params, keep_ended=True))  # a settled suit then a deal counts

    def build() -> Rendered:
        found = checked(transitions, view, kind)
        return render(
            {
                "view": view.summary(),
                "kind": kind,
                "total": len(found),
                "pairs": [t.to_dict() for t in found[:top]],
            }
        )

    return respond(request, data.cached(view, ("web", "transitions", kind, top), build))


@router.get("/exposure/example", response_model=ExampleStackOut)
def example_stack() -> dict[str, Any]:
    """The example stack file shipped with alliancemap, to start from."""
    path = example_stack_path()
    return {"name": path.name, "stack": path.read_text(encoding="utf-8")}


@router.post(
    "/exposure", responses={200: {"model": ExposureOut}, **ERRORS, 413: {"model": ErrorOut}}
)
def exposure(request: Request, data: Data, body: ExposureIn) -> Response:
    """Which ultimate providers and blocs a stack depends on: computed, never stored."""
    if len(body.stack.encode("utf-8")) > MAX_STACK:
        raise HTTPException(413, f"the stack file is too large (limit {MAX_STACK // 1024} KB)")
    params = checked(make_params, as_of=body.as_of or None, min_confidence=body.min_confidence)
    view = data.view(params)
    try:
        parsed = yaml.safe_load(body.stack)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise HTTPException(400, f"stack: not valid YAML{at}") from None
    names = data.cached(view, ("web", "names"), lambda: Names(data.store, organizations=view.nodes))
    try:
        stack = parse_stack(parsed, names, "stack")
        result = stack_exposure(
            view,
            stack,
            names,
            retain=body.retain,
            depth=body.depth,
            seed=data.seed,
            min_sources=body.min_sources,
            blocs=measures.blocs(data, view),
        )
    except (AllianceMapError, ValueError) as err:
        raise HTTPException(400, str(err)) from None
    return respond(request, {"view": view.summary(), **result.to_dict()})
