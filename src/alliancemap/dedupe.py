"""Near-duplicates across the store: sign new documents, link them to the first stored copy.

Signatures are kept in the store, so a pass only loads them (about a second for 15,000
documents) instead of re-reading every text. Documents stored without one (before schema
version 2, or by another tool) are signed and linked when the index is loaded. `regroup`
recomputes every link with a new threshold, in the order documents were stored, so the
result is the one incremental passes would have produced with that threshold.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from alliancemap.ingest.neardup import (
    DEFAULT_THRESHOLD,
    SCHEME,
    NearDupIndex,
    from_bytes,
    signature,
    to_bytes,
)
from alliancemap.model import Document
from alliancemap.store import BatchState, NearDuplicateGroup, Store
from alliancemap.store.records import GroupMember
from alliancemap.store.sqlutil import chunked

Progress = Callable[[int, "int | None"], None]
SIGN_BATCH = 500


def link_documents(index: NearDupIndex, documents: Iterable[Document], state: BatchState) -> int:
    """Sign each new document and link it to an earlier copy; recorded in `state` (to be
    written with the documents). Returns how many were near-duplicates."""
    state.scheme = SCHEME
    linked = 0
    for doc in documents:
        key = doc.hash
        sig = signature(doc.text)
        state.signatures[key] = None if sig is None else to_bytes(sig)
        if sig is None or key in index:
            continue
        found = index.link(key, sig)
        if found is not None:
            state.duplicate_of[key] = found.root
            linked += 1
    return linked


def index_stored(index: NearDupIndex, documents: Iterable[Document]) -> None:
    """Index documents found already stored but not in `index` (another writer stored them
    during this pass), so a later copy this process stores is still linked to them."""
    for doc in documents:
        if doc.hash in index:
            continue
        sig = signature(doc.text)
        if sig is not None:
            index.link(doc.hash, sig)


def load_index(
    store: Store, threshold: float = DEFAULT_THRESHOLD, on_progress: Progress | None = None
) -> NearDupIndex:
    """Every stored signature in an index; unsigned documents are signed and linked first."""
    index = NearDupIndex(threshold)
    for key, sig, root in store.signatures(SCHEME):
        if sig is not None:
            index.add(key, from_bytes(sig), root)
    missing = store.unsigned_documents(SCHEME)
    if on_progress is not None and missing:
        on_progress(0, len(missing))
    done = 0
    for chunk in chunked(missing, SIGN_BATCH):
        texts = store.texts(chunk)
        state = BatchState()
        link_documents(index, (Document(text=texts[h]) for h in chunk if h in texts), state)
        store.add_extractions([], state)
        done += len(chunk)
        if on_progress is not None:
            on_progress(done, len(missing))
    return index


@dataclass
class DedupeReport:
    """What `regroup` found: the groups, how many documents were compared, how long it took."""

    threshold: float
    documents: int = 0  # documents with a signature (long enough to compare)
    groups: list[NearDuplicateGroup] = field(default_factory=list)
    changed: int = 0  # documents whose link changed
    seconds: float = 0.0
    written: bool = True

    @property
    def copies(self) -> int:
        return sum(len(g.copies) for g in self.groups)


def regroup(
    store: Store,
    threshold: float = DEFAULT_THRESHOLD,
    on_progress: Progress | None = None,
    write: bool = True,
) -> DedupeReport:
    """Recompute every near-duplicate link at `threshold`; with `write`, store them."""
    started = time.perf_counter()
    load_index(store, threshold, on_progress)
    rows = store.signatures(SCHEME)
    index = NearDupIndex(threshold)
    links: dict[str, str | None] = {}
    before: dict[str, str | None] = {}
    for key, sig, root in rows:
        before[key] = root
        if sig is None:
            links[key] = None
            continue
        found = index.link(key, from_bytes(sig))
        links[key] = found.root if found else None
    changed = {k: v for k, v in links.items() if before.get(k) != v}
    report = DedupeReport(threshold, sum(1 for _, sig, _ in rows if sig is not None))
    report.changed = len(changed)
    if write:
        if changed:
            store.set_duplicates(changed)
        report.groups = store.near_duplicate_groups()
    else:
        report.written = False
        report.groups = _groups_from(store, links)
    report.seconds = time.perf_counter() - started
    return report


def _groups_from(store: Store, links: dict[str, str | None]) -> list[NearDuplicateGroup]:
    """Groups as `links` would make them, without writing (for a dry run)."""
    members: dict[str, list[str]] = {}
    for key, root in links.items():
        if root:
            members.setdefault(root, []).append(key)
    docs = {h: store.document(h) for h in {*members, *(k for v in members.values() for k in v)}}

    def member(h: str) -> GroupMember:
        d = docs.get(h)
        return GroupMember(h, d and d.id, d and d.title, d and d.url, d and d.published)

    groups = [
        NearDuplicateGroup(member(root), tuple(member(k) for k in keys))
        for root, keys in members.items()
    ]
    groups.sort(key=lambda g: (-g.size, g.first.doc_id or "", g.first.hash))
    return groups
