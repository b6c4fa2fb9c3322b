"""The web app: a read-only JSON API over the store and the map's single-page front end.

`create_app(db)` opens the store and returns a FastAPI app. The API lives under /api (its
OpenAPI document at /api/openapi.json); the front end is /, with its files under /static.
Nothing writes to the store: the only POST computes an exposure report and keeps nothing.
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from alliancemap import __version__
from alliancemap.errors import AllianceMapError
from alliancemap.graph.view import ViewParams
from alliancemap.store import Store, open_store
from alliancemap.store.engine import database_url
from alliancemap.web import api_map, api_measures, measures
from alliancemap.web.data import MapData
from alliancemap.web.security import SecurityHeaders

STATIC = Path(__file__).resolve().parent / "static"
BUNDLE = STATIC / "dist" / "app.js"


def bundle_built() -> bool:
    """Whether the front end's bundle has been built (`make web`)."""
    return BUNDLE.is_file()


def check_store(db: str | os.PathLike[str] | None) -> None:
    """A SQLite path must name an existing store: serving never creates one."""
    url = database_url(db)
    if url.get_backend_name() != "sqlite":
        return
    path = url.database
    if not path or path == ":memory:" or not Path(path).is_file():
        raise AllianceMapError(
            f"{path or db}: no store there (build one with `alliancemap demo` or "
            "`alliancemap ingest`, or give --db)"
        )


def warm(app: FastAPI) -> None:
    """Compute what the first page load needs: layout, default map, its measures."""
    data: MapData = app.state.map
    data.warm()
    api_map.graph_body(data, ViewParams())
    measures.organization_measures(data, data.view(ViewParams()), "")


def create_app(db: str | os.PathLike[str] | Store | None = None, seed: int = 0) -> FastAPI:
    """The app over the store at `db` (a path, a URL, or an open Store)."""
    if isinstance(db, Store):
        store, owned = db, False
    else:
        check_store(db)
        store, owned = open_store(db), True

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        yield
        if owned:
            store.close()

    app = FastAPI(
        title="alliancemap",
        version=__version__,
        summary="The AI industry's alliances and rivalries, every edge with its evidence.",
        description=(
            "Read-only JSON over an alliancemap store: the map as of a date with filters, "
            "organizations, the claims behind every edge, search, measures and exposure."
        ),
        openapi_url="/api/openapi.json",
        docs_url=None,  # the hosted API pages load their scripts from a CDN; the JSON suffices
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.map = MapData(store, seed=seed)
    app.state.store = store
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(SecurityHeaders)
    app.include_router(api_map.router)
    app.include_router(api_measures.router)

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
    return app
