"""Query parameters shared by the endpoints, checked into the graph package's ViewParams."""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import HTTPException, Query, Request
from fastapi.responses import Response

from alliancemap.graph.view import ViewParams, make_params
from alliancemap.web.data import MapData

GZIP_FROM = 2048  # bytes: smaller answers go out plain


def view_params(
    as_of: Annotated[
        str | None,
        Query(max_length=10, description="The map as known on YYYY, YYYY-MM or YYYY-MM-DD."),
    ] = None,
    types: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Relation types to keep, comma-separated (default: all eight).",
        ),
    ] = None,
    polarity: Annotated[
        str | None, Query(max_length=20, description="cooperative, adversarial or all.")
    ] = None,
    min_sources: Annotated[
        int, Query(ge=1, le=10_000, description="Least independent sources per edge.")
    ] = 1,
    min_confidence: Annotated[
        float, Query(ge=0.0, le=1.0, description="Least confidence per claim.")
    ] = 0.0,
) -> ViewParams:
    """The view's filters; a bad date, type or polarity is a 400 naming the valid forms."""
    kinds = [t.strip() for t in (types or "").split(",") if t.strip()] or None
    return checked(
        make_params,
        as_of=as_of or None,
        types=kinds,
        polarity=polarity or None,
        min_sources=min_sources,
        min_confidence=min_confidence,
    )


def checked(fn: Any, *args: Any, **kw: Any) -> Any:
    """`fn(*args, **kw)`, a ValueError becoming a 400 answer with its message."""
    try:
        return fn(*args, **kw)
    except ValueError as err:
        raise HTTPException(status_code=400, detail=str(err)) from None


def map_data(request: Request) -> MapData:
    """The app's cached map."""
    return request.app.state.map


def clean(value: Any) -> Any:
    """`value` with NaN and infinities replaced by None, containers walked."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def json_bytes(value: Any) -> bytes:
    """Compact UTF-8 JSON of `value` (NaN as null)."""
    return json.dumps(
        clean(value), ensure_ascii=False, allow_nan=False, separators=(",", ":")
    ).encode("utf-8")


@dataclass(frozen=True, slots=True)
class Rendered:
    """An answer rendered once: its JSON bytes and, when large, their gzip form."""

    raw: bytes
    gz: bytes | None


def render(value: Any) -> Rendered:
    """`value` as JSON, gzipped too when large enough to be worth it (cached answers)."""
    raw = json_bytes(value)
    gz = gzip.compress(raw, compresslevel=6, mtime=0) if len(raw) >= GZIP_FROM else None
    return Rendered(raw, gz)


def respond(request: Request, body: Rendered | Any) -> Response:
    """A JSON answer: the cached gzip form when the client takes gzip, else plain JSON."""
    rendered = body if isinstance(body, Rendered) else Rendered(json_bytes(body), None)
    accepts = request.headers.get("accept-encoding", "")
    if rendered.gz is not None and "gzip" in accepts.lower():
        return Response(
            content=rendered.gz,
            media_type="application/json",
            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
        )
    return Response(content=rendered.raw, media_type="application/json")
