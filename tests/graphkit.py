"""Small helpers for the graph tests: claim records and views built by hand."""

from __future__ import annotations

import itertools
from typing import Any

from alliancemap.graph.view import GraphView, make_params, view_from_claims
from alliancemap.model import Entity, RelationType
from alliancemap.store.records import ClaimRecord

_ids = itertools.count(1)


def claim(
    subject: str,
    obj: str,
    rtype: str | RelationType,
    date: str | None = "2020",
    *,
    doc: str | None = None,
    confidence: float = 0.8,
    evidence: str | None = None,
    ended: bool = False,
    end_date: str | None = None,
    value_usd: float | None = None,
    extractor: str = "rules",
    published: str | None = None,
    source_name: str | None = None,
) -> ClaimRecord:
    """A claim record as the store would return it; each gets its own document by default."""
    number = next(_ids)
    kind = RelationType.parse(rtype) if isinstance(rtype, str) else rtype
    kb = extractor == "kb"
    return ClaimRecord(
        id=number,
        subject=subject,
        object=obj,
        type=kind,
        date=date,
        evidence=evidence or f"{subject} {kind.value} {obj}.",
        evidence_start=None,
        evidence_end=None,
        extractor=extractor,
        confidence=confidence,
        ended=ended,
        end_date=end_date,
        value_usd=value_usd,
        value_text=None,
        document_hash=None if kb else (doc or f"doc{number}"),
        doc_id=None,
        url=None,
        title=None,
        source=None,
        published=published,
        source_name=source_name or ("Reuters" if kb else None),
    )


def view(claims: list[ClaimRecord], entities: list[Entity] = (), **params: Any) -> GraphView:
    """A view of hand-made claims with the given filters."""
    return view_from_claims(claims, entities, make_params(**params))


def ties(pairs: list[tuple[str, str]], rtype: str = "partnership", **kw: Any) -> list[ClaimRecord]:
    """One claim per pair."""
    return [claim(a, b, rtype, **kw) for a, b in pairs]


NEWS = [
    ("2019-07-22", "Microsoft invested $1 billion in OpenAI in July 2019."),
    ("2023-01-23", "Microsoft invested $10 billion in OpenAI in January 2023."),
    ("2020-03-02", "Mistral AI competes with Cohere <script>alert(1)</script> in enterprise AI."),
    ("2021-06-01", "Mistral AI and Cohere announced a partnership in June 2021."),
    ("2022-05-01", "Nvidia supplies GPUs to Meta."),
]


def news_store(root: Any) -> Any:
    """A SQLite store filled by the real pipeline ("rules" extractor, KB synced) from NEWS."""
    import json

    from alliancemap.pipeline import ingest
    from alliancemap.store import open_store

    path = root / "news.jsonl"
    rows = [{"id": f"n{i}", "published": p, "text": t} for i, (p, t) in enumerate(NEWS)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    store = open_store(root / "map.db")
    ingest([path], store, extractor_name="rules")
    return store


_SHARED: dict[str, Any] = {}


def shared_store_path() -> Any:
    """Path of one news store built per test process (read-only use: copy it to write)."""
    if "path" not in _SHARED:
        import atexit
        import shutil
        import tempfile
        from pathlib import Path

        root = Path(tempfile.mkdtemp(prefix="alliancemap-graph-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        news_store(root).close()
        _SHARED["path"] = root / "map.db"
    return _SHARED["path"]
