"""Shared by the web tests: a real store built by the real pipeline, and a live server.

The store is made from news items written here (JSON lines with URLs and dates) and one
hostile plain-text page whose sentence carries `<script>` and `<img onerror>` markup, all
ingested by `alliancemap.pipeline.ingest` with the rules extractor (the knowledge base is
synced too, as in every real store). The server is uvicorn on 127.0.0.1, on a port the
kernel picks, in a thread of the test process.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from alliancemap.pipeline import ingest
from alliancemap.store import open_store
from alliancemap.web.app import create_app, warm
from alliancemap.web.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: F401 (re-exported)
from alliancemap.web.server import BackgroundServer

CORPUS_ENV = "ALLIANCEMAP_CORPUS_DB"

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SENTENCE = (
    f"Microsoft partnered with Meta {SCRIPT} and {IMG} in a deal announced in March 2021."
)
NEWS = [
    (
        "a1",
        "2019-07-22",
        "Microsoft announced a partnership with OpenAI on Monday. "
        "Microsoft invested $1 billion in OpenAI.",
    ),
    ("a2", "2023-09-25", "Amazon invested $4 billion in Anthropic."),
    ("a3", "2014-01-27", "Google acquired DeepMind for $500 million."),
    (
        "a4",
        "2022-03-22",
        "Nvidia supplies GPUs to Oracle. Nvidia and Microsoft announced "
        "a partnership to build an AI supercomputer.",
    ),
    ("a6", "2016-05-10", "Google competes with Microsoft in cloud computing."),
    (
        "a7",
        "2024-01-25",
        "The Federal Trade Commission opened an investigation into Microsoft over its OpenAI deal.",
    ),
    (
        "a8",
        "2024-02-26",
        "Microsoft invested in Mistral AI. Mistral AI partnered with "
        "Microsoft to offer its models on Azure.",
    ),
]
# A stored URL that must never become a link
UNSAFE_URL_DOC = ("a9", "2023-05-02", "Oracle partnered with Cohere to offer generative AI.")
UNSAFE_URL = "javascript:alert(document.cookie)"


def write_corpus(folder: Path) -> list[str]:
    """The news file and the hostile page; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        {
            "id": doc_id,
            "url": f"https://news.example.com/{doc_id}",
            "title": f"Story {doc_id}",
            "published": published,
            "text": text,
        }
        for doc_id, published, text in NEWS
    ]
    doc_id, published, text = UNSAFE_URL_DOC
    lines.append({"id": doc_id, "url": UNSAFE_URL, "published": published, "text": text})
    news = folder / "news.jsonl"
    news.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    page = folder / "hostile.txt"
    page.write_text(f"Hostile page\n\n{HOSTILE_SENTENCE}\n", encoding="utf-8")
    return [str(news), str(page)]


def build_store(folder: Path) -> Path:
    """A SQLite store of the corpus above, built by the real pipeline."""
    db = folder / "map.db"
    inputs = write_corpus(folder / "inputs")
    with open_store(db) as store:
        summary = ingest(inputs, store, extractor_name="rules")
    assert summary.claims_added >= 10, summary
    return db


class LiveServer(BackgroundServer):
    """The web app over a store (caches warmed), served on 127.0.0.1 in a background thread."""

    def __init__(self, db: str | os.PathLike[str]) -> None:
        self.app = create_app(db)
        warm(self.app)
        super().__init__(self.app)
