"""The teacher: an LLM's verified reading of a corpus, written in the gold format, so that
`alliancemap train gold.jsonl silver.jsonl:0.5` can learn from it (at a lower weight).

Only documents the model could read are written (a passage with no relation is a useful
negative); a document that could not be read is left out, not written as a negative.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alliancemap.atomic import atomic_write
from alliancemap.errors import RunStopped
from alliancemap.extract_io import extractions
from alliancemap.model import Document, Extraction


@dataclass(slots=True)
class LabelSummary:
    documents: int = 0  # written
    unread: int = 0  # left out: the model's answer could not be read
    relations: int = 0
    stopped: str = ""
    out_path: str = ""


def gold_record(extraction: Extraction) -> dict[str, Any]:
    """One extraction as a gold line: the input fields, entities with the forms the text
    uses (fullest as name, the others as aliases), relations between those names."""
    doc = extraction.document
    forms: dict[str, list[str]] = {}
    for m in extraction.mentions:
        seen = forms.setdefault(m.entity, [])
        if m.surface not in seen:
            seen.append(m.surface)
    names: dict[str, str] = {}
    entities = []
    for ent in extraction.entities:
        surfaces = forms.get(ent.name) or [ent.name]
        name = max(surfaces, key=len)
        names[ent.name] = name
        aliases = [s for s in surfaces if s != name]
        entities.append({"name": name, "type": ent.type.value, "aliases": aliases})
    relations = []
    for c in extraction.claims:
        rel: dict[str, Any] = {
            "subject": names.get(c.subject, c.subject),
            "object": names.get(c.object, c.object),
            "type": c.type.value,
            "date": c.date,
            "evidence": c.evidence,
        }
        if c.ended:
            rel["ended"] = True
        relations.append(rel)
    extractor = extraction.claims[0].extractor if extraction.claims else ""
    return {
        "id": doc.id if doc.id is not None else doc.hash[:16],
        "url": doc.url,
        "title": doc.title,
        "published": doc.published,
        "text": doc.text,
        "entities": entities,
        "relations": relations,
        "notes": f"silver: annotated by {extractor or 'an LLM'}, verified against the text",
    }


def label_file(
    in_path: str | Path,
    out_path: str | Path,
    extractor_options: Mapping[str, Any],
    limit: int | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> LabelSummary:
    """Annotate the first `limit` documents of `in_path` into `out_path` (atomically); a
    spending limit ends it cleanly with what was annotated before written."""
    summary = LabelSummary(out_path=str(out_path))
    with atomic_write(out_path, "w") as fh:
        try:
            for item in extractions(
                in_path, "llm", on_progress, on_warning, extractor_options, limit
            ):
                if isinstance(item, Document):
                    summary.unread += 1
                    continue
                rec = gold_record(item)
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                summary.documents += 1
                summary.relations += len(rec["relations"])
        except RunStopped as err:
            summary.stopped = str(err)
    return summary
