"""The API's shapes, for the OpenAPI document (/api/openapi.json).

Large answers (the map, profiles) are rendered straight to JSON bytes and cached, so these
models describe them without validating every one; small ones are validated as usual.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ViewSummary(BaseModel):
    """The filters a view was built with and what it holds."""

    as_of: str | None = Field(None, description="The map as known on this date.")
    since: str | None = None
    types: list[str] | None = Field(None, description="Relation types kept (all when null).")
    polarity: str | None = Field(None, description="cooperative, adversarial, or null for both.")
    min_sources: int = Field(1, description="Least independent sources per edge.")
    min_confidence: float = Field(0.0, description="Least confidence per claim.")
    keep_ended: bool = False
    exclude_kinds: list[str] = []
    organizations: int
    edges: int
    claims: int
    edges_by_type: dict[str, int]


class Node(BaseModel):
    """An organization on the map."""

    id: str = Field(description="The organization's canonical name.")
    x: float
    y: float
    kind: str | None = Field(None, description="lab, bigtech, cloud, chip, startup, ...")
    bloc: int | None = Field(None, description="Id of its bloc (see `blocs`), if listed.")
    partners: int = Field(description="Distinct partners in the view, any relation.")
    size: float = Field(description="The value of the measure chosen by `size_by`.")


class Edge(BaseModel):
    """All the claims of one relation type between two organizations, aggregated."""

    source: str
    target: str
    type: str
    polarity: str
    directed: bool = Field(description="False for symmetric types (partnership, competition).")
    n_claims: int
    n_sources: int = Field(description="Independent sources (near-duplicates count once).")
    confidence: float = Field(description="The most confident claim's confidence.")
    first_date: str | None
    last_date: str | None
    ended: bool


class BlocRef(BaseModel):
    id: int
    label: str = Field(description="Named after its member with the most tie weight.")
    size: int


class GraphOut(BaseModel):
    """The map as of a date, with filters."""

    view: ViewSummary
    size_by: str
    blocs: list[BlocRef]
    nodes: list[Node]
    edges: list[Edge]


class ClaimOut(BaseModel):
    """One claim: an assertion found in one document, with its evidence sentence."""

    id: int
    subject: str
    object: str
    type: str
    polarity: str
    date: str | None = Field(description="The claim's own date, if the text gives one.")
    effective_date: str | None = Field(description="Its date, else its document's.")
    evidence: str = Field(description="The sentence, as found (plain text, never HTML).")
    extractor: str
    confidence: float
    ended: bool
    end_date: str | None
    value_usd: float | None
    value_text: str | None
    source: str | None = Field(description="URL, publication, title or file of the source.")
    link: str | None = Field(description="The source's URL when it is an http(s) URL.")
    title: str | None
    published: str | None
    from_kb: bool = Field(description="A curated knowledge-base fact, not a news document.")
    document: str | None


class EdgeOut(Edge):
    """An edge and every claim behind it, oldest first."""

    view: ViewSummary
    claims: list[ClaimOut]


class PartnerRow(BaseModel):
    partner: str
    direction: str = Field(description="out: the organization is the subject; in; both.")
    n_claims: int
    n_sources: int
    first_date: str | None
    last_date: str | None
    evidence: str
    source: str | None
    link: str | None


class PartnerGroup(BaseModel):
    type: str
    polarity: str
    direction: str = Field(description="What subject -> object means for this type.")
    partners: list[PartnerRow]


class OrgOut(BaseModel):
    """An organization's profile in a view."""

    view: ViewSummary
    name: str
    kind: str | None
    country: str | None
    parent: str | None
    aliases: list[str]
    in_kb: bool
    on_map: bool = Field(description="Whether it has an edge in this view.")
    measures: dict[str, Any] = Field(
        description="partners (all, cooperative, adversarial), partners_by_type, pagerank, "
        "pagerank_rank, ranked, betweenness, effective_size, efficiency, constraint, bloc."
    )
    partners: list[PartnerGroup]
    timeline: list[ClaimOut]
    timeline_total: int


class SearchHit(BaseModel):
    name: str = Field(description="The organization to show.")
    matched: str = Field(description="The name, alias or product that matched.")
    via: str = Field(description="name, alias or product (found as its owner).")
    kind: str | None
    partners: int
    on_map: bool


class SearchOut(BaseModel):
    query: str
    results: list[SearchHit]


class RelationTypeInfo(BaseModel):
    name: str
    polarity: str
    symmetric: bool
    direction: str


class MetaOut(BaseModel):
    """What the store holds and what the map offers."""

    version: str
    store: dict[str, Any]
    types: list[RelationTypeInfo]
    years: list[int] = Field(description="Years the as-of slider offers.")
    size_measures: list[str]
    rank_measures: list[str]
    ui: bool = Field(description="Whether the front end's bundle is built.")


class RanksOut(BaseModel):
    view: ViewSummary
    by: str
    rows: list[dict[str, Any]]


class BlocsOut(BaseModel):
    view: ViewSummary
    modularity: float
    organizations: int
    ties: int
    blocs: list[dict[str, Any]]
    small_blocs: int
    in_small_blocs: int
    seed: int
    resolution: float


class ConcentrationOut(BaseModel):
    view: ViewSummary
    by: str | None
    basis: str
    rows: list[dict[str, Any]] = Field(
        description="period, scope, n_ties, n_organizations, hhi, equivalent_n, cr4, "
        "top5_reach, leaders, value figures."
    )
    trend: str | None


class TransitionsOut(BaseModel):
    view: ViewSummary
    kind: str
    total: int
    pairs: list[dict[str, Any]]


class ExposureIn(BaseModel):
    """A stack to assess: the text of a stack file (YAML or JSON) and the options."""

    stack: str = Field(description="The stack file's text: a mapping with `components`.")
    as_of: str | None = None
    min_confidence: float = Field(0.0, ge=0.0, le=1.0)
    min_sources: int = Field(2, ge=1, description="Least sources for a dependency tie.")
    retain: float = Field(0.5, gt=0.0, le=1.0)
    depth: int = Field(2, ge=0, le=6)


class ExposureOut(BaseModel):
    view: ViewSummary
    stack: str
    total_weight: float
    providers: list[dict[str, Any]]
    hhi: float
    equivalent_n: float
    blocs: list[dict[str, Any]]
    single_points_of_failure: list[dict[str, Any]]
    components: list[dict[str, Any]]
    params: dict[str, Any]


class ExampleStackOut(BaseModel):
    name: str
    stack: str


class ErrorOut(BaseModel):
    detail: str
