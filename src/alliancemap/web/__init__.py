"""The web map: a read-only HTTP app over the store and its single-page front end.

`create_app(db)` (app.py) returns the FastAPI app; `alliancemap serve` runs it with uvicorn.
The front end's sources live in web/ at the repository root; `make web` builds them into
static/dist/ here.
"""

from alliancemap.web.app import create_app

__all__ = ["create_app"]
