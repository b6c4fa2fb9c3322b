#!/usr/bin/env python3
"""A new user's install: `pip install .` without extras into a fresh venv, then `ingest` of an
HTML file and `update` from an RSS feed served on 127.0.0.1, each checked for what it stored.

Standard library only, so it runs with the machine's python3 before anything is installed.
Run it from anywhere: `python3 .ci/bare_install_check.py` (or `make bare-install-check`).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
CONSTRAINTS = REPO / "constraints.txt"

# Our own articles naming organizations of the bundled knowledge base, so the default
# (learned) extractor has relations to find.
ARTICLES = {
    "file": (
        "Microsoft deepens its OpenAI bet",
        "2023-01-23",
        [
            "Microsoft invested $10 billion in OpenAI, the two companies said on Monday, "
            "extending a partnership that began in 2019.",
            "The money will pay for the supercomputers that OpenAI uses to train its models, "
            "which run in Microsoft data centres in Iowa and Texas.",
            "Analysts said the deal gives Microsoft an edge over Google in selling artificial "
            "intelligence to businesses through its cloud.",
        ],
    ),
    "amazon-anthropic": (
        "Amazon backs Anthropic",
        "2023-09-25",
        [
            "Amazon will invest up to $4 billion in Anthropic, the startup said on Monday, "
            "and Anthropic will use Amazon chips to train its future models.",
            "The agreement makes Amazon Web Services the main cloud provider of Anthropic, "
            "which was founded in 2021 by former OpenAI researchers.",
        ],
    ),
    "nvidia-arm": (
        "Nvidia drops its Arm deal",
        "2022-02-08",
        [
            "Nvidia abandoned its $40 billion acquisition of Arm on Tuesday after regulators "
            "in the United States, Britain and Europe objected to the deal.",
            "SoftBank, which owns Arm, said it would take the chip designer public instead, "
            "and Nvidia will keep its licence to use Arm designs for twenty years.",
        ],
    ),
}


def page(title: str, date: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f'</title><meta property="article:published_time" content="{date}T09:00:00Z"></head>'
        f'<body><nav><a href="/">Home</a> <a href="/tech">Tech</a></nav><article><h1>'
        f"{escape(title)}</h1>{body}</article><footer>Copyright Bare Wire</footer></body></html>"
    )


def feed(base: str, slugs: list[str]) -> str:
    items = []
    for slug in slugs:
        title, date, paras = ARTICLES[slug]
        when = format_datetime(datetime.fromisoformat(date).replace(tzinfo=UTC))
        link = f"{base}/news/{slug}.html"
        items.append(
            f"<item><title>{escape(title)}</title><link>{link}</link><guid>{link}</guid>"
            f"<pubDate>{when}</pubDate><description>{escape(paras[0][:60])}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bare Wire'
        f"</title><link>{base}/</link>{''.join(items)}</channel></rss>"
    )


def fail(message: str) -> None:
    print(f"bare install check: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run a command; its stdout, or the check fails with its output."""
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0 or "Traceback" in proc.stderr:
        fail(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def serve(root: Path) -> ThreadingHTTPServer:
    """A static file server on a free port of 127.0.0.1, in a thread."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=root))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def check(work: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALLIANCEMAP_", "PYTHON"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    venv = work / "venv"
    run([sys.executable, "-m", "venv", str(venv)], work, env)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    # From a copy without build leftovers (a stale build/ would hide a missing file), as a
    # fresh clone would be; the repository is left as it was.
    source = work / "alliancemap"
    skip = shutil.ignore_patterns(
        ".git",
        ".venv",
        "build",
        "dist",
        "*.egg-info",
        "node_modules",
        "__pycache__",
        "*.db*",
        "out",
    )
    shutil.copytree(REPO, source, ignore=skip, symlinks=True)
    run([*pip, "-c", str(CONSTRAINTS), str(source)], work, env)  # no extras
    probe = (
        "import importlib.util, json, alliancemap; from importlib.resources import files; "
        "model = files('alliancemap') / 'extract' / 'learned' / 'model'; "
        "print(json.dumps({'file': alliancemap.__file__, 'spacy': bool(importlib.util."
        "find_spec('spacy')), 'model': sorted(p.name for p in model.iterdir())}))"
    )
    found = json.loads(run([str(venv / "bin" / "python"), "-c", probe], work, env))
    if not Path(found["file"]).resolve().is_relative_to(venv.resolve()):
        fail(f"alliancemap was imported from {found['file']}, not from the fresh venv")
    if found["spacy"]:
        fail("spaCy is installed: the parse extra was pulled in by a bare install")
    if "meta.json" not in found["model"]:
        fail(f"the learned model is not installed as package data ({found['model']})")

    site = work / "site"
    (site / "news").mkdir(parents=True)
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n", "utf-8")
    for slug, (title, date, paras) in ARTICLES.items():
        (site / "news" / f"{slug}.html").write_text(page(title, date, paras), "utf-8")
    server = serve(site)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        feed_slugs = [s for s in ARTICLES if s != "file"]
        (site / "feed.xml").write_text(feed(base, feed_slugs), "utf-8")
        sources = work / "SOURCES.yaml"
        sources.write_text(f"sources:\n  - feed: {base}/feed.xml\n", "utf-8")
        cli = str(venv / "bin" / "alliancemap")
        db = work / "bare.db"
        run([cli, "ingest", str(site / "news" / "file.html"), "--db", str(db)], work, env)
        update = [cli, "update", str(sources), "--db", str(db), "--rate-limit", "0", "--json"]
        summary = json.loads(run(update, work, env))
        if summary["new_documents"] != len(feed_slugs) or summary["failures"]:
            fail(f"update stored {summary['new_documents']} documents: {summary['failures']}")
        stats = json.loads(run([cli, "stats", "--db", str(db), "--json"], work, env))
    finally:
        server.shutdown()
        server.server_close()
    news_claims = stats["claims"] - stats["kb_claims"]
    conn = sqlite3.connect(db)
    try:
        urls = {u for (u,) in conn.execute("select url from documents where url is not null")}
    finally:
        conn.close()
    wanted = {f"{base}/news/{s}.html" for s in feed_slugs}
    if stats["documents"] != len(ARTICLES) or not wanted <= urls:
        fail(f"expected {len(ARTICLES)} documents with the feed's articles, found {stats}, {urls}")
    if news_claims < len(ARTICLES):
        fail(f"the learned extractor found {news_claims} claims in {len(ARTICLES)} articles")
    print(
        f"bare install check: ok: pip install . (no extras) in a fresh venv; ingest + update "
        f"stored {stats['documents']} documents and {news_claims} claims"
    )


def main() -> None:
    if not CONSTRAINTS.is_file():
        fail(f"{CONSTRAINTS} is missing (make lock writes it)")
    work = Path(tempfile.mkdtemp(prefix="alliancemap-bare-"))
    try:
        check(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
