"""Build an extractor with its options and run it over many documents at once.

An extractor may offer `extract_batch(documents)` (the `llm` one does, to keep several
requests in flight) returning None for a document it could not read, and `use_store(store)`
to keep its state (the answer cache) in the store. Callers go through these helpers, so
every extractor, built-in or third-party, works the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from alliancemap import registry
from alliancemap.model import Document, Extraction

BATCH = 32  # documents handed to a batch extractor at once


def build(name: str, options: Mapping[str, Any] | None = None, store: Any = None) -> Any:
    """The extractor called `name`, with `options`, using `store` if it keeps state there."""
    extractor = registry.extractor(name, **dict(options or {}))
    if store is not None and hasattr(extractor, "use_store"):
        extractor.use_store(store)
    return extractor


def extract_many(extractor: Any, documents: Iterable[Document]) -> list[Extraction | None]:
    """Extractions of `documents` in order; None where a batch extractor could not read one."""
    docs = list(documents)
    batch = getattr(extractor, "extract_batch", None)
    if batch is not None and docs:
        return batch(docs)
    return [extractor.extract(doc) for doc in docs]


def groups(documents: Iterable[Document], size: int = BATCH) -> Iterator[list[Document]]:
    """Documents in lists of `size`."""
    it = iter(documents)
    while chunk := list(islice(it, size)):
        yield chunk


def close(extractor: Any) -> None:
    """Release what the extractor holds (threads, connections), if it holds anything."""
    closer = getattr(extractor, "close", None)
    if closer is not None:
        closer()
