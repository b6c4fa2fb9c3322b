"""The bundled, curated knowledge base: organizations, products and landmark relations.

Data lives in YAML files under `kb/data/` (every `organizations*.yaml`, `products*.yaml`,
`relations*.yaml`); this module loads and validates them. Every fact carries its source.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from alliancemap.model import Entity, EntityType, RelationType

ORG_KINDS = frozenset(
    {
        "lab",  # AI research lab or model developer
        "bigtech",
        "unit",  # a business unit or subsidiary of a larger company
        "cloud",
        "chip",
        "startup",
        "enterprise",  # enterprise software / IT vendor
        "company",  # any other company (carmaker, telco, retailer, bank, ...)
        "investor",
        "university",
        "research",  # non-university research institute or non-profit
        "consortium",
        "regulator",
        "government",
        "media",  # publications and news agencies: never a party in citations
    }
)
PRODUCT_CATEGORIES = frozenset(
    {"model", "chip", "cloud", "platform", "service", "software", "device", "framework", "dataset"}
)


@dataclass(frozen=True, slots=True)
class LandmarkRelation:
    """A curated relation with the publication that reported it."""

    subject: str
    object: str
    type: RelationType
    date: str
    source: str  # the publication that reported it
    url: str | None = None
    ended: bool = False
    end_date: str | None = None
    value_usd: float | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    organizations: dict[str, Entity]
    products: dict[str, Entity]
    relations: tuple[LandmarkRelation, ...]
    # Names that are also ordinary words ("Benchmark"): matched only where an organization
    # is expected, never on their own.
    ambiguous: frozenset[str] = frozenset()

    def entity(self, name: str) -> Entity | None:
        return self.organizations.get(name) or self.products.get(name)


class KBError(ValueError):
    """The knowledge base data is inconsistent; message names the file and record."""


def _data_files(prefix: str, data_dir: Path | None) -> list[tuple[str, str]]:
    if data_dir is not None:
        return [(p.name, p.read_text("utf-8")) for p in sorted(data_dir.glob(f"{prefix}*.yaml"))]
    root = resources.files("alliancemap.kb").joinpath("data")
    out = []
    for item in sorted(root.iterdir(), key=lambda p: p.name):
        if item.name.startswith(prefix) and item.name.endswith(".yaml"):
            out.append((item.name, item.read_text("utf-8")))
    return out


def _records(prefix: str, data_dir: Path | None) -> list[tuple[str, int, dict]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    rows = []
    for fname, text in _data_files(prefix, data_dir):
        data = yaml.load(text, Loader=loader) or []
        if not isinstance(data, list):
            raise KBError(f"{fname}: top level must be a list")
        for i, rec in enumerate(data):
            if not isinstance(rec, dict):
                raise KBError(f"{fname}: record {i} is not a mapping")
            rows.append((fname, i, rec))
    return rows


def _date_ok(value: object) -> bool:
    s = str(value)
    parts = s.split("-")
    if not parts[0].isdigit() or len(parts[0]) != 4 or len(parts) > 3:
        return False
    return all(p.isdigit() and len(p) == 2 for p in parts[1:])


def load_kb(data_dir: Path | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base (bundled data unless `data_dir` is given)."""
    orgs: dict[str, Entity] = {}
    ambiguous: set[str] = set()
    for fname, i, rec in _records("organizations", data_dir):
        name = rec.get("name")
        kind = rec.get("kind")
        if not name or not isinstance(name, str):
            raise KBError(f"{fname}: record {i} has no name")
        if kind not in ORG_KINDS:
            raise KBError(f"{fname}: {name}: unknown kind {kind!r}")
        if name in orgs:
            raise KBError(f"{fname}: {name}: duplicate organization")
        orgs[name] = Entity(
            name=name,
            type=EntityType.ORGANIZATION,
            aliases=tuple(str(a) for a in rec.get("aliases") or ()),
            kind=kind,
            country=rec.get("country"),
            parent=rec.get("parent"),
            in_kb=True,
        )
        if rec.get("ambiguous"):
            ambiguous.add(name)
    products: dict[str, Entity] = {}
    for fname, i, rec in _records("products", data_dir):
        name = rec.get("name")
        owner = rec.get("owner")
        if not name or not isinstance(name, str):
            raise KBError(f"{fname}: record {i} has no name")
        if owner not in orgs:
            raise KBError(f"{fname}: {name}: owner {owner!r} is not an organization")
        if name in products:
            raise KBError(f"{fname}: {name}: duplicate product")
        cat = rec.get("category")
        if rec.get("ambiguous"):
            ambiguous.add(name)
        if cat not in PRODUCT_CATEGORIES:
            raise KBError(f"{fname}: {name}: unknown category {cat!r}")
        products[name] = Entity(
            name=name,
            type=EntityType.PRODUCT,
            aliases=tuple(str(a) for a in rec.get("aliases") or ()),
            kind=cat,
            owner=owner,
            in_kb=True,
        )
    for name, ent in orgs.items():
        if ent.parent is not None and ent.parent not in orgs:
            raise KBError(f"organizations: {name}: parent {ent.parent!r} is not an organization")
    relations = []
    for fname, i, rec in _records("relations", data_dir):
        try:
            rtype = RelationType.parse(str(rec.get("type")))
        except ValueError as err:
            raise KBError(f"{fname}: record {i}: {err}") from None
        subj, obj = rec.get("subject"), rec.get("object")
        for end in (subj, obj):
            if end not in orgs:
                raise KBError(f"{fname}: record {i}: {end!r} is not an organization")
        if subj == obj:
            raise KBError(f"{fname}: record {i}: subject equals object")
        if not _date_ok(rec.get("date")):
            raise KBError(f"{fname}: record {i}: bad date {rec.get('date')!r}")
        if not rec.get("source"):
            raise KBError(f"{fname}: record {i}: no source publication")
        end_date = rec.get("end_date")
        if end_date is not None and not _date_ok(end_date):
            raise KBError(f"{fname}: record {i}: bad end_date {end_date!r}")
        value = rec.get("value_usd")
        relations.append(
            LandmarkRelation(
                subject=subj,
                object=obj,
                type=rtype,
                date=str(rec["date"]),
                source=str(rec["source"]),
                url=rec.get("url"),
                ended=bool(rec.get("ended", False) or end_date),
                end_date=str(end_date) if end_date else None,
                value_usd=float(value) if value is not None else None,
                note=rec.get("note"),
            )
        )
    return KnowledgeBase(orgs, products, tuple(relations), frozenset(ambiguous))


@functools.lru_cache(maxsize=1)
def default_kb() -> KnowledgeBase:
    """The bundled knowledge base, loaded once per process."""
    return load_kb()
