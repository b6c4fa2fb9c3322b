"""Extractors: turn a Document into mentions and claims. Found through the registry."""

from __future__ import annotations

from typing import Protocol

from alliancemap.model import Document, Extraction


class Extractor(Protocol):
    """What every extractor provides; `name` is recorded on each claim it makes."""

    name: str

    def extract(self, document: Document) -> Extraction: ...
