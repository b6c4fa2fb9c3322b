"""Plain data classes shared by every stage: documents, entities, mentions, claims.

Everything downstream (store, graph, CLI, web) speaks in these types, so they hold
no behaviour beyond small derived properties.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum


class Polarity(StrEnum):
    COOPERATIVE = "cooperative"
    ADVERSARIAL = "adversarial"


class RelationType(StrEnum):
    """The closed set of eight relation types of the extraction spec."""

    PARTNERSHIP = "partnership"
    INVESTMENT = "investment"
    ACQUISITION = "acquisition"
    SUPPLY = "supply"
    MEMBERSHIP = "membership"
    COMPETITION = "competition"
    LITIGATION = "litigation"
    INVESTIGATION = "investigation"

    @property
    def symmetric(self) -> bool:
        """True when subject and object may be swapped without changing the meaning."""
        return self in _SYMMETRIC

    @property
    def polarity(self) -> Polarity:
        return Polarity.ADVERSARIAL if self in _ADVERSARIAL else Polarity.COOPERATIVE

    @property
    def direction(self) -> str:
        """Human description of the direction (subject -> object)."""
        return _DIRECTION[self]

    @classmethod
    def parse(cls, value: str) -> RelationType:
        """Parse a type name, case-insensitively; raises ValueError naming the valid ones."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            valid = ", ".join(t.value for t in cls)
            raise ValueError(f"unknown relation type {value!r} (valid: {valid})") from None


_SYMMETRIC = {RelationType.PARTNERSHIP, RelationType.COMPETITION}
_ADVERSARIAL = {RelationType.COMPETITION, RelationType.LITIGATION, RelationType.INVESTIGATION}
_DIRECTION = {
    RelationType.PARTNERSHIP: "symmetric",
    RelationType.INVESTMENT: "investor -> investee",
    RelationType.ACQUISITION: "acquirer -> acquired",
    RelationType.SUPPLY: "provider -> customer",
    RelationType.MEMBERSHIP: "member -> group",
    RelationType.COMPETITION: "symmetric",
    RelationType.LITIGATION: "plaintiff -> defendant",
    RelationType.INVESTIGATION: "regulator -> target",
}


class EntityType(StrEnum):
    ORGANIZATION = "organization"
    PRODUCT = "product"
    PERSON = "person"
    REGULATION = "regulation"


def content_hash(text: str) -> str:
    """Stable identity of a document's text (sha256 hex); the store's primary key."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class Document:
    """One text with its metadata. `published` is an ISO date, a year-month, a year or None."""

    text: str
    id: str | None = None
    source: str | None = None  # file path or URL it came from
    url: str | None = None
    title: str | None = None
    published: str | None = None
    author: str | None = None

    @property
    def hash(self) -> str:
        return content_hash(self.text)


@dataclass(frozen=True, slots=True)
class Entity:
    """A named thing. `kind` refines organizations (lab, bigtech, cloud, chip, startup,
    enterprise, investor, university, consortium, regulator, government, media, ...)."""

    name: str
    type: EntityType = EntityType.ORGANIZATION
    aliases: tuple[str, ...] = ()
    kind: str | None = None
    country: str | None = None
    parent: str | None = None
    owner: str | None = None  # for products: the owning organization's canonical name
    in_kb: bool = False


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of a document's text that names an entity (already resolved to `entity`)."""

    start: int
    end: int
    surface: str
    entity: str  # canonical name
    type: EntityType = EntityType.ORGANIZATION
    owner: str | None = None  # for products: the owner it stands for


@dataclass(frozen=True, slots=True)
class Claim:
    """One assertion found in one document; never merged away, it is the provenance.

    `evidence_start`/`evidence_end` are character offsets of `evidence` in the document text.
    `date` is "YYYY", "YYYY-MM", "YYYY-MM-DD" or None.
    """

    subject: str
    object: str
    type: RelationType
    evidence: str
    date: str | None = None
    evidence_start: int | None = None
    evidence_end: int | None = None
    document_id: str | None = None
    extractor: str = "rules"
    confidence: float = 0.5
    ended: bool = False
    value_usd: float | None = None  # deal value where stated, in US dollars
    value_text: str | None = None  # the value as written ("$13 billion")

    def key(self) -> tuple[str, str, str]:
        """Identity of the relation ignoring provenance; symmetric types are order-free."""
        a, b = self.subject, self.object
        if self.type.symmetric and b < a:
            a, b = b, a
        return (a, b, self.type.value)


@dataclass(slots=True)
class Extraction:
    """What an extractor returns for one document."""

    document: Document
    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    # canonical name -> the fullest form the document itself uses ("Facebook" for Meta)
    surface_names: dict[str, str] = field(default_factory=dict)
