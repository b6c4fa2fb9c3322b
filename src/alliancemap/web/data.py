"""What the web app keeps in memory: the store's claims, views, layout and search index.

The app is read-only, so everything is derived from the store's claims and entities, loaded
once and kept until the store changes. A cheap query (the number and the highest id of the
claims and entities) tells, at most once a second, whether an ingest has added anything;
then everything is rebuilt on the next request.

Views are cached per filter set (relation types, polarity, minimum sources and confidence);
a view at another as-of date is re-cut from its filter set's view (`GraphView.at`), which
takes milliseconds. Measures and JSON payloads are cached on each view (`GraphView.cache`).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import func, select

from alliancemap.graph.blocs import detect_blocs
from alliancemap.graph.view import GraphView, ViewParams, active_years, view_from_claims
from alliancemap.model import Entity, EntityType
from alliancemap.store import Store
from alliancemap.store.engine import read_connection
from alliancemap.store.schema import claims as claims_table
from alliancemap.store.schema import entities as entities_table
from alliancemap.web.layout import Positions, layout_pairs
from alliancemap.web.search import SearchIndex

CHECK_EVERY = 1.0  # seconds between two checks that the store is unchanged
MAX_VIEWS = 48  # views kept (filter sets and as-of dates together)
YEAR_SHARE = 200  # a slider year needs one new tie per YEAR_SHARE ties of the map (at least 1)


def store_version(store: Store) -> tuple[int, ...]:
    """Counts and highest ids of claims and entities: changes whenever an ingest adds rows."""
    with read_connection(store.engine) as conn:
        c = conn.execute(select(func.count(), func.max(claims_table.c.id))).one()
        e = conn.execute(select(func.count(), func.max(entities_table.c.id))).one()
    return (c[0], c[1] or 0, e[0], e[1] or 0)


@dataclass(slots=True)
class Snapshot:
    """Everything derived from one version of the store."""

    version: tuple[int, ...]
    claims: list[Any]
    entities: list[Entity]
    stats: dict[str, Any]
    views: OrderedDict[ViewParams, GraphView] = field(default_factory=OrderedDict)
    extra: dict[Any, Any] = field(default_factory=dict)
    _positions: Positions | None = None
    _search: SearchIndex | None = None
    _years: list[int] | None = None


class MapData:
    """The cached map of one store, safe to share between the server's threads."""

    def __init__(self, store: Store, seed: int = 0) -> None:
        self.store = store
        self.seed = seed
        self._lock = threading.RLock()
        self._snap: Snapshot | None = None
        self._checked = 0.0

    # -- the snapshot -----------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The current snapshot, reloaded when the store has changed since it was taken."""
        now = time.monotonic()
        snap = self._snap
        if snap is not None and now - self._checked < CHECK_EVERY:
            return snap
        with self._lock:
            version = store_version(self.store)
            self._checked = time.monotonic()
            if self._snap is None or self._snap.version != version:
                self._snap = Snapshot(
                    version=version,
                    claims=list(self.store.iter_claims()),
                    entities=self.store.entities(),
                    stats=self.store.stats(),
                )
            return self._snap

    def warm(self) -> None:
        """Load the claims and compute the layout, the full view and the years up front."""
        self.positions()
        self.view(ViewParams())
        self.years()
        self.search_index()

    # -- views ------------------------------------------------------------------------------

    def view(self, params: ViewParams) -> GraphView:
        """The view for `params`: from the cache, else re-cut from its filter set's view."""
        snap = self.snapshot()
        with self._lock:
            found = snap.views.get(params)
            if found is not None:
                snap.views.move_to_end(params)
                return found
            base_params = replace(params, as_of=None, since=None)
            base = snap.views.get(base_params)
            if base is None:
                base = view_from_claims(snap.claims, snap.entities, base_params)
                self._keep(snap, base_params, base)
            view = base if base_params == params else base.at(params.as_of, params.since)
            self._keep(snap, params, view)
            return view

    def _keep(self, snap: Snapshot, params: ViewParams, view: GraphView) -> None:
        snap.views[params] = view
        snap.views.move_to_end(params)
        while len(snap.views) > MAX_VIEWS:
            snap.views.popitem(last=False)

    def cached(self, view: GraphView, key: Any, compute: Callable[[], Any]) -> Any:
        """`compute()` once per view and key (measures, payloads). Computations run one at a
        time: igraph's random numbers are global, and seeded results must not interleave."""
        with self._lock:
            if key not in view.cache:
                view.cache[key] = compute()
            return view.cache[key]

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """`compute()` once per store version and key."""
        snap = self.snapshot()
        with self._lock:
            if key not in snap.extra:
                snap.extra[key] = compute()
            return snap.extra[key]

    # -- layout, years, search -------------------------------------------------------------------

    def positions(self) -> Positions:
        """Every organization's place on the map (see layout.py), computed once per version."""
        snap = self.snapshot()
        with self._lock:
            if snap._positions is None:
                every = self.view(ViewParams(keep_ended=True))
                blocs = detect_blocs(every, seed=self.seed)
                snap._positions = layout_pairs(
                    [(e.source, e.target) for e in every.edges],
                    seed=self.seed,
                    groups=blocs.membership,
                )
            return snap._positions

    def years(self) -> list[int]:
        """The years the slider offers: those the news covers (see `active_years`)."""
        snap = self.snapshot()
        with self._lock:
            if snap._years is None:
                full = self.view(ViewParams())
                least = max(1, len(full.edges) // YEAR_SHARE)
                years = active_years(full, min_ties=least, polarity=None)
                if not years:  # only KB facts, or too few dated ties: every dated year
                    found = sorted({int(e.first_date[:4]) for e in full.edges if e.first_date})
                    years = list(range(found[0], found[-1] + 1)) if found else []
                snap._years = years
            return snap._years

    def search_index(self) -> SearchIndex:
        """The autocomplete index of organization names, aliases and products."""
        snap = self.snapshot()
        with self._lock:
            if snap._search is None:
                degree = self.degrees()
                snap._search = SearchIndex(
                    [e for e in snap.entities if e.type in _SEARCHED], degree
                )
            return snap._search

    def degrees(self) -> dict[str, int]:
        """Partners of each organization on the whole map (to rank search results)."""

        def count() -> dict[str, int]:
            partners: dict[str, set[str]] = {}
            for e in self.view(ViewParams(keep_ended=True)).edges:
                partners.setdefault(e.source, set()).add(e.target)
                partners.setdefault(e.target, set()).add(e.source)
            return {n: len(p) for n, p in partners.items()}

        return self.memo("degrees", count)

    def entity(self, name: str) -> Entity | None:
        """The stored entity called exactly `name`."""
        index = self.memo("entities", lambda: {e.name: e for e in self.snapshot().entities})
        return index.get(name)


_SEARCHED = (EntityType.ORGANIZATION, EntityType.PRODUCT)
