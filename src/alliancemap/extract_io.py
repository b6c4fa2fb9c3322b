"""Run an extractor over a file and write the spec's JSON-lines output, without any store.

This is what `alliancemap extract` and `alliancemap evaluate` (without `--pred`) use: one
record per input document, in input order, keeping the input `id`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alliancemap import registry
from alliancemap.atomic import atomic_write
from alliancemap.errors import InputError, RunStopped
from alliancemap.extract import batching
from alliancemap.model import Document, Extraction

ProgressCallback = Callable[[int, int | None], None]
WarningCallback = Callable[[str], None]


@dataclass(slots=True)
class ExtractSummary:
    """What one `extract_file` run did."""

    documents: int
    entities: int
    relations: int
    warnings: int
    seconds: float
    out_path: str
    dropped: int = 0  # documents the extractor could not read (written with no findings)
    stopped: str = ""  # why the run stopped early (a spending limit), if it did


def extraction_to_record(extraction: Extraction) -> dict[str, Any]:
    """One document's extraction in the spec's output format (id, entities, relations)."""
    doc = extraction.document
    # Names as the document writes them ("Facebook"), with the canonical name alongside.
    shown = extraction.surface_names
    entities: dict[str, str] = {}
    for ent in extraction.entities:
        entities.setdefault(shown.get(ent.name, ent.name), ent.type.value)
    for mention in extraction.mentions:
        entities.setdefault(shown.get(mention.entity, mention.entity), mention.type.value)
    relations = []
    for claim in extraction.claims:
        rel: dict[str, Any] = {
            "subject": shown.get(claim.subject, claim.subject),
            "object": shown.get(claim.object, claim.object),
            "subject_canonical": claim.subject,
            "object_canonical": claim.object,
            "type": claim.type.value,
            "date": claim.date,
            "evidence": claim.evidence,
            "confidence": round(float(claim.confidence), 3),
        }
        if claim.ended:
            rel["ended"] = True
        if claim.value_usd is not None:
            rel["value_usd"] = claim.value_usd
        if claim.value_text:
            rel["value_text"] = claim.value_text
        relations.append(rel)
    return {
        "id": doc.id if doc.id is not None else doc.hash[:16],
        "entities": [{"name": n, "type": t} for n, t in entities.items()],
        "relations": relations,
    }


def record_document(record: dict[str, Any]) -> Document:
    """The document of an in-memory record of the spec's input format (id, text, published)."""
    published = record.get("published")
    return Document(
        text=record["text"], id=str(record["id"]), published=str(published) if published else None
    )


def extract_in_memory(extractor: Any, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Output records of `extractor` over in-memory records (gold sets, held-out folds)."""
    return [extraction_to_record(extractor.extract(record_document(r))) for r in records]


def extract_records(
    in_path: str | Path,
    extractor_name: str = registry.DEFAULT_EXTRACTOR,
    on_progress: ProgressCallback | None = None,
    on_warning: WarningCallback | None = None,
    extractor_options: Mapping[str, Any] | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield one output record per document of `in_path` (jsonl, jsonl.gz or txt), in order.

    A document the extractor could not read gets a record with no findings and the key
    `"dropped": true`. RunStopped (a spending limit) propagates after the records finished
    before it were yielded."""
    for extraction in extractions(
        in_path, extractor_name, on_progress, on_warning, extractor_options
    ):
        yield extraction_record(extraction)


def extraction_record(item: Extraction | Document) -> dict[str, Any]:
    """The output record of an extraction, or the empty, dropped record of a document."""
    if isinstance(item, Document):
        rec = extraction_to_record(Extraction(item))
        rec["dropped"] = True
        return rec
    return extraction_to_record(item)


def extractions(
    in_path: str | Path,
    extractor_name: str = registry.DEFAULT_EXTRACTOR,
    on_progress: ProgressCallback | None = None,
    on_warning: WarningCallback | None = None,
    extractor_options: Mapping[str, Any] | None = None,
    limit: int | None = None,
) -> Iterator[Extraction | Document]:
    """Extractions of the documents of `in_path` in order; the bare Document where the
    extractor could not read it."""
    from alliancemap.ingest import read_documents  # the ingest package is heavy; load on use

    extractor = batching.build(extractor_name, extractor_options)
    documents: Iterable[Document] = read_documents(in_path, on_warning)
    if limit is not None:
        import itertools

        documents = itertools.islice(documents, limit)
    done = 0
    try:
        size = batching.BATCH if hasattr(extractor, "extract_batch") else 1
        for group in batching.groups(documents, size):
            try:
                results = batching.extract_many(extractor, group)
            except RunStopped as err:
                for ext in err.done or []:
                    if ext is None:
                        break
                    yield ext
                raise
            for doc, ext in zip(group, results, strict=True):
                yield ext if ext is not None else doc
                done += 1
                if on_progress is not None:
                    on_progress(done, None)
    finally:
        batching.close(extractor)


def extract_file(
    in_path: str | Path,
    out_path: str | Path,
    extractor_name: str = registry.DEFAULT_EXTRACTOR,
    on_progress: ProgressCallback | None = None,
    on_warning: WarningCallback | None = None,
    extractor_options: Mapping[str, Any] | None = None,
) -> ExtractSummary:
    """Extract every document of `in_path` into JSON lines at `out_path`, written atomically;
    InputError (and no output) when no document could be read.

    When the extractor stops the run (RunStopped), the records finished before are written
    and `stopped` says why."""
    start = time.perf_counter()
    warnings: list[str] = []

    def warn(msg: str) -> None:
        warnings.append(msg)
        if on_warning is not None:
            on_warning(msg)

    n_docs = n_ents = n_rels = n_dropped = 0
    stopped = ""
    with atomic_write(out_path, "w") as fh:
        try:
            for rec in extract_records(
                in_path, extractor_name, on_progress, warn, extractor_options
            ):
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n_docs += 1
                n_ents += len(rec["entities"])
                n_rels += len(rec["relations"])
                n_dropped += bool(rec.get("dropped"))
        except RunStopped as err:
            stopped = str(err)
        if not n_docs and not stopped:  # raised inside the block: an output there is kept
            raise InputError(in_path, "no documents read")
    return ExtractSummary(
        n_docs,
        n_ents,
        n_rels,
        len(warnings),
        time.perf_counter() - start,
        str(out_path),
        n_dropped,
        stopped,
    )
