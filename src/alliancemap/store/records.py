"""What store queries return: plain frozen dataclasses, free of SQLAlchemy types."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    # one independent source: the first copy of the document's near-duplicate group (its own
    # hash when it has none); None for knowledge-base facts. Count sources by this, not by hash.
    source_group: str | None = None

    @property
    def from_kb(self) -> bool:
        return self.document_hash is None


@dataclass(frozen=True, slots=True)
class PartnerSummary:
    """An organization's claims with one partner, for one type and direction.

    `direction` is "out" (the organization is the subject), "in" (it is the object) or
    "both" (symmetric types). `n_documents` counts independent sources: distinct documents
    (a near-duplicate group counting once) and KB publications.
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


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """The outcome of fetching one URL a source listed: `status` is ok, failed or blocked."""

    url: str
    status: str
    source_url: str | None = None
    document_hash: str | None = None  # the text stored for it (or its earlier exact copy)
    entry_id: str | None = None
    lastmod: str | None = None
    error: str | None = None
    attempts: int = 0  # attempts before this one (as stored)
    fetched_at: str | None = None


@dataclass(frozen=True, slots=True)
class SourceState:
    """What the store remembers of a source between passes (validators, failures)."""

    url: str
    kind: str  # feed, sitemap, page
    name: str | None = None
    last_pass_at: str | None = None
    last_ok_at: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    failures: int = 0
    last_error: str | None = None
    entries: int = 0


@dataclass(slots=True)
class BatchState:
    """What a batch records beside its extractions, in the same transaction: near-duplicate
    signatures and links of its new documents, the URLs fetched and the sources' states."""

    signatures: dict[str, bytes | None] = field(default_factory=dict)  # doc hash -> MinHash
    scheme: str = ""  # the signatures' parameters (neardup.SCHEME)
    duplicate_of: dict[str, str] = field(default_factory=dict)  # doc hash -> first copy's hash
    fetched: list[FetchRecord] = field(default_factory=list)
    sources: list[SourceState] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.signatures or self.duplicate_of or self.fetched or self.sources)


@dataclass(frozen=True, slots=True)
class GroupMember:
    """A document of a near-duplicate group, as a report shows it."""

    hash: str
    doc_id: str | None
    title: str | None
    url: str | None
    published: str | None


@dataclass(frozen=True, slots=True)
class NearDuplicateGroup:
    """Copies of one text: the first stored copy and the later near-duplicates linked to it."""

    first: GroupMember
    copies: tuple[GroupMember, ...]

    @property
    def size(self) -> int:
        return 1 + len(self.copies)
