"""The `llm` extractor: a chat-completions server reads each chunk of a document, the answer
is repaired if need be, and only what the verifier confirms becomes a claim.

`extract_batch` reads many documents at once (up to `concurrency` requests in flight) and
returns None for a document it could not read (an answer that is not valid JSON, a request
that failed for good): callers leave such a document for a later run. Answers come from the
cache when they can: the store's when a pipeline calls `use_store`, else a cache file.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alliancemap.extract.llm.answer import parse_answer
from alliancemap.extract.llm.cache import CachedAnswer, FileCache, ResponseCache, StoreCache
from alliancemap.extract.llm.chunks import Chunk, chunks
from alliancemap.extract.llm.client import BudgetExhausted, ChatClient, RequestFailed
from alliancemap.extract.llm.locate import fold
from alliancemap.extract.llm.prompt import PROMPT_VERSION, cache_key
from alliancemap.extract.llm.settings import LLMSettings, default_cache_path, resolve_settings
from alliancemap.extract.llm.stats import LLMStats
from alliancemap.extract.llm.verify import Verified, Verifier, merge_claims
from alliancemap.kb import KnowledgeBase, default_kb
from alliancemap.model import Document, EntityType, Extraction
from alliancemap.registry import register_extractor


@dataclass(slots=True)
class _Job:
    """One chunk of one document, and its answer once it is there."""

    doc: int
    chunk: Chunk
    key: str
    answer: CachedAnswer | None = None
    failed: str = ""


class LLMExtractor:
    """Extractor backed by any OpenAI-compatible chat-completions endpoint."""

    def __init__(
        self,
        model: str | None = None,
        url: str | None = None,
        cache: str | Path | None = None,
        max_tokens_total: int | None = None,
        concurrency: int | None = None,
        requests_per_minute: float | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        format: str | None = None,
        chunk_chars: int | None = None,
        stats: LLMStats | None = None,
        kb: KnowledgeBase | None = None,
        settings: LLMSettings | None = None,
    ) -> None:
        self.settings = settings or resolve_settings(
            model=model,
            url=url,
            cache=cache,
            max_tokens_total=max_tokens_total,
            concurrency=concurrency,
            requests_per_minute=requests_per_minute,
            timeout=timeout,
            retries=retries,
            backoff=backoff,
            format=format,
            chunk_chars=chunk_chars,
        )
        self.name = f"llm:{self.settings.model}:{PROMPT_VERSION}"
        self.stats = stats if stats is not None else LLMStats()
        self.verifier = Verifier(kb or default_kb(), self.name)
        self._client: ChatClient | None = None
        self._cache: ResponseCache | None = None
        self._pool: ThreadPoolExecutor | None = None

    # -- wiring -----------------------------------------------------------------------------

    def use_store(self, store: Any) -> None:
        """Keep answers in the store (ingest, update, watch) instead of a cache file."""
        self._cache = StoreCache(store)

    @property
    def cache(self) -> ResponseCache:
        if self._cache is None:
            self._cache = FileCache(self.settings.cache or default_cache_path())
        return self._cache

    def _ask(self, job: _Job, document: Document) -> CachedAnswer:
        if self._client is None:
            self._client = ChatClient(self.settings, self.stats)
        answer = self._client.complete(job.chunk.text, document.published)
        return CachedAnswer(answer.content, answer.tokens_in, answer.tokens_out)

    def close(self) -> None:
        """Stop the request threads and close the connections and the cache file."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._client is not None:
            self._client.close()
        if isinstance(self._cache, FileCache):
            self._cache.close()
            self._cache = None

    # -- extracting -------------------------------------------------------------------------

    def extract(self, document: Document) -> Extraction:
        """One document; a document that could not be read gives an empty extraction."""
        return self.extract_batch([document])[0] or Extraction(document)

    def extract_batch(self, documents: list[Document]) -> list[Extraction | None]:
        """Extractions in input order; None where the document could not be read.

        Raises BudgetExhausted (with `.done`, the list as far as it got) when the token
        budget stops the run; the answers received until then are cached."""
        jobs = [
            _Job(i, c, cache_key(self.settings.model, c.text, doc.published))
            for i, doc in enumerate(documents)
            for c in chunks(doc.text, self.settings.chunk_chars, self.settings.overlap_sentences)
        ]
        todo = []
        for job in jobs:
            job.answer = self.cache.get(job.key)
            if job.answer is not None:
                self.stats.add(cache_hits=1)
            else:
                todo.append(job)
        stopped = self._fetch(todo, documents)
        results: list[Extraction | None] = []
        for i, doc in enumerate(documents):
            mine = [j for j in jobs if j.doc == i]
            if stopped is not None and any(j.answer is None and not j.failed for j in mine):
                results.append(None)
                continue
            results.append(self._read(doc, mine))
        if stopped is not None:
            stopped.done = results
            raise stopped
        return results

    def _fetch(self, todo: list[_Job], documents: list[Document]) -> BudgetExhausted | None:
        """Ask for every job's answer, caching each as it arrives (in this thread)."""
        if not todo:
            return None
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.settings.concurrency, thread_name_prefix="llm")
        pending: dict[Future[CachedAnswer], _Job] = {
            self._pool.submit(self._ask, job, documents[job.doc]): job for job in todo
        }
        stopped: BudgetExhausted | None = None
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    job = pending.pop(fut)
                    try:
                        job.answer = fut.result()
                    except RequestFailed as err:
                        job.failed = str(err)
                        continue
                    except BudgetExhausted as err:
                        stopped = stopped or err
                        continue
                    self.cache.put(job.key, self.settings.model, PROMPT_VERSION, job.answer)
        except BaseException:
            for fut in pending:
                fut.cancel()
            raise
        return stopped

    def _read(self, document: Document, jobs: list[_Job]) -> Extraction | None:
        """Verify the answers of a document's chunks and merge them into one extraction."""
        self.stats.add(documents=1)
        failed = [j for j in jobs if j.failed]
        if failed:
            self.stats.drop("documents", {"request_failed": 1})
            return None
        answers = [parse_answer(j.answer.content if j.answer else None) for j in jobs]
        if any(a is None for a in answers):
            self.stats.drop("documents", {"invalid_answer": 1})
            return None
        doc = fold(document.text)
        out = Verified()
        for job, answer in zip(jobs, answers, strict=True):
            self.verifier.check(document, doc, answer, job.chunk.start, out)
        claims, merged = merge_claims(out.claims)
        self.stats.add(relations=len(claims), merged=merged)
        self.stats.drop("relations", out.drops)
        return _extraction(document, out, claims)


def _extraction(document: Document, out: Verified, claims: list) -> Extraction:
    mentions = sorted(out.mentions.values(), key=lambda m: (m.start, m.end))
    surface: dict[str, str] = {}
    for m in mentions:
        if m.type is EntityType.ORGANIZATION and len(m.surface) > len(surface.get(m.entity, "")):
            surface[m.entity] = m.surface
    return Extraction(
        document,
        list(out.entities.values()),
        mentions,
        claims,
        {k: v for k, v in surface.items() if v != k},
    )


def drop_counts(stats: LLMStats) -> Counter[str]:
    """Every drop of a run, documents and relations together, by reason."""
    return stats.documents_dropped + stats.relations_dropped


register_extractor("llm", LLMExtractor)
