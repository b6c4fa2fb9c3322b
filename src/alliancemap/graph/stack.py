"""Stack files: the products and vendors an enterprise uses, with weights, resolved to owners.

A stack file (YAML) lists components, each a product or a vendor (or several: "Amazon
Bedrock with Claude"), with an optional weight (default 1) and label:

    name: Example stack
    components:
      - product: Azure OpenAI Service
        weight: 3
      - product: Amazon Bedrock
        with: Claude
      - vendor: Nvidia

A bare list of names works too. Mistakes raise AllianceMapError naming the file, the
component and the problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from alliancemap.errors import AllianceMapError
from alliancemap.graph.names import Names
from alliancemap.model import EntityType

_KEYS = ("product", "products", "vendor", "vendors", "with", "uses")


@dataclass(frozen=True, slots=True)
class Item:
    """One thing a component uses: as written, the entity it resolved to, and its owner."""

    written: str
    entity: str
    kind: str  # "product" or "organization"
    category: str | None  # a product's category or an organization's kind
    owner: str


@dataclass(frozen=True, slots=True)
class Component:
    """A line of the stack: what it uses and how much it matters (its weight)."""

    label: str
    items: tuple[Item, ...]
    weight: float


@dataclass(frozen=True, slots=True)
class Stack:
    """A named list of components, read from a stack file."""

    name: str
    components: tuple[Component, ...]

    @property
    def total_weight(self) -> float:
        return sum(c.weight for c in self.components)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def read_stack(path: str | Path, names: Names) -> Stack:
    """Read and resolve a stack file; AllianceMapError naming the file and the problem."""
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise AllianceMapError(f"{where}: not a text file") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise AllianceMapError(f"{where}: not valid YAML{at}") from None
    return parse_stack(data, names, where)


def parse_stack(data: Any, names: Names, where: str = "stack") -> Stack:
    """A Stack from parsed YAML: a mapping with `components`, or a bare list of names."""
    if isinstance(data, list):
        data = {"components": data}
    if not isinstance(data, Mapping) or not isinstance(data.get("components"), list):
        raise AllianceMapError(f"{where}: expected a mapping with a 'components' list")
    if not data["components"]:
        raise AllianceMapError(f"{where}: the stack has no components")
    components = [_component(raw, i + 1, names, where) for i, raw in enumerate(data["components"])]
    return Stack(str(data.get("name") or Path(where).stem), tuple(components))


def _component(raw: Any, number: int, names: Names, where: str) -> Component:
    here = f"{where}: component {number}"
    if isinstance(raw, str):
        raw = {"product": raw}
    if not isinstance(raw, Mapping):
        raise AllianceMapError(f"{here}: expected a name or a mapping, not {type(raw).__name__}")
    unknown = sorted(set(raw) - {*_KEYS, "weight", "label", "name"})
    if unknown:
        raise AllianceMapError(
            f"{here}: unknown key {unknown[0]!r} (use product, vendor, with, weight, label)"
        )
    written = [str(v).strip() for k in _KEYS if k in raw for v in _as_list(raw[k]) if v]
    if not written:
        raise AllianceMapError(f"{here}: names no product or vendor")
    weight = raw.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
        raise AllianceMapError(f"{here}: weight must be a positive number, not {weight!r}")
    items = tuple(_item(w, names, here) for w in written)
    label = str(raw.get("label") or raw.get("name") or " + ".join(written))
    return Component(label, items, float(weight))


def _item(written: str, names: Names, here: str) -> Item:
    ent = names.entity(written)
    if ent is None:
        raise AllianceMapError(f"{here}: unknown product or organization {written!r}")
    if ent.type == EntityType.PRODUCT:
        if not ent.owner:
            raise AllianceMapError(f"{here}: product {ent.name!r} has no known owner")
        return Item(written, ent.name, "product", ent.kind, ent.owner)
    kind = ent.kind or names.kind_of(ent.name)
    return Item(written, ent.name, "organization", kind, ent.name)
