"""What store queries return: plain frozen dataclasses, free of SQLAlchemy types."""

from __future__ import annotations

from dataclasses import dataclass

from alliancemap.model import RelationType


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    """One stored claim with its provenance (the document, or the publication for KB facts)."""

    id: int
    subject: str
    object: str
    type: RelationType
    date: str | None
    evidence: str
    evidence_start: int | None
    evidence_end: int | None
    extractor: str
    confidence: float
    ended: bool
    end_date: str | None
    value_usd: float | None
    value_text: str | None
    document_hash: str | None  # None for knowledge-base facts
    doc_id: str | None
    url: str | None  # the document's URL, or the KB fact's source article
    title: str | None
    source: str | None  # the file or URL the document was read from
    published: str | None
    source_name: str | None  # the publication, for knowledge-base facts

    @property
    def from_kb(self) -> bool:
        return self.document_hash is None


@dataclass(frozen=True, slots=True)
class PartnerSummary:
    """An organization's claims with one partner, for one type and direction.

    `direction` is "out" (the organization is the subject), "in" (it is the object) or
    "both" (symmetric types). `n_documents` counts distinct documents and KB publications.
    """

    partner: str
    type: RelationType
    direction: str
    n_claims: int
    n_documents: int
    first_date: str | None
    last_date: str | None
    claims: tuple[ClaimRecord, ...]


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What one `add_extractions` call wrote."""

    new_documents: int = 0
    skipped_documents: int = 0
    claims_added: int = 0
    mentions_added: int = 0
