"""Names typed by a user (stack files, what-if edits) resolved to the map's entities.

The store's names and aliases come first, then the knowledge base's (so a store that was
never synced with the KB still knows "AWS Bedrock"), then the view's own organization
names, exactly as written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from alliancemap.errors import AllianceMapError
from alliancemap.kb import KnowledgeBase, default_kb
from alliancemap.model import Entity, EntityType
from alliancemap.resolve import Resolver


class Names:
    """Look names up as organizations or products (with their owners)."""

    def __init__(
        self,
        store: Any | None = None,
        kb: KnowledgeBase | None = None,
        organizations: Iterable[str] = (),
    ) -> None:
        self.store = store
        self.kb = kb or default_kb()
        self._kb = Resolver(self.kb)
        self._entities: dict[str, Entity] = {}
        if store is not None:
            self._entities = {e.name: e for e in store.entities()}
        self._orgs = {n.casefold(): n for n in organizations}

    def entity(self, name: str) -> Entity | None:
        """The entity `name` stands for (organization or product), else None."""
        text = (name or "").strip()
        if not text:
            return None
        if self.store is not None:
            canonical = self.store.resolve(text)
            if canonical and canonical in self._entities:
                return self._entities[canonical]
        found = self._kb.lookup(text)
        if found is not None:
            return self._entities.get(found.name, found)
        exact = self._orgs.get(text.casefold())
        return Entity(exact) if exact else None

    def organization(self, name: str) -> str:
        """The canonical organization `name` stands for; a product gives its owner."""
        ent = self.entity(name)
        if ent is None:
            raise AllianceMapError(f"unknown organization {name!r}")
        if ent.type == EntityType.PRODUCT:
            if not ent.owner:
                raise AllianceMapError(f"product {ent.name!r} has no known owner")
            return ent.owner
        return ent.name

    def products(self) -> list[Entity]:
        """Every known product with an owner (the store's and the KB's), by name."""
        found = {p.name: p for p in self.kb.products.values()}
        for e in self._entities.values():
            if e.type == EntityType.PRODUCT and e.owner:
                found.setdefault(e.name, e)
        return [found[n] for n in sorted(found)]

    def kind_of(self, org: str) -> str | None:
        """An organization's kind (lab, cloud, chip, ...) if known."""
        ent = self._entities.get(org) or self.kb.organizations.get(org)
        return ent.kind if ent else None

    def organizations_of_kind(self, kind: str) -> list[str]:
        """Known organizations of one kind, by name."""
        names = {n for n, e in self.kb.organizations.items() if e.kind == kind}
        names |= {
            n
            for n, e in self._entities.items()
            if e.type == EntityType.ORGANIZATION and e.kind == kind
        }
        return sorted(names)
