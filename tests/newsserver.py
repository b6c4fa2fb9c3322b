"""A real news site for the tests: a ThreadingHTTPServer on 127.0.0.1 serving our own pages.

It has article pages, an RSS feed holding only summaries, an Atom feed holding whole
articles, a sitemap, a robots.txt forbidding /private/, and every bad case a crawler meets: a
slow page, a 500, a redirect loop, an endless redirect chain, a 50 MB response (generated as
it is sent, never held in memory), a page declaring the wrong encoding. Every request is
logged with its user agent, so tests can count fetches.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

ARTICLES = {
    "acme-foo": (
        "Acme Robotics buys Foo Labs",
        "2021-03-04",
        "Jane Doe",
        [
            "Acme Robotics acquired Foo Labs Inc. in 2021, the two companies said on Thursday.",
            "The deal gives Acme the vision software that Foo Labs built for warehouse robots, "
            "and brings forty engineers from Boston to the Acme campus in Denver.",
            "Foo Labs had raised money from Bar Ventures two years earlier. The price of the "
            "acquisition was not disclosed, and the Foo Labs brand will be retired next spring.",
            "Acme said the combined team will ship its first picking arm with the new cameras "
            "before the end of the year, ahead of rival machines from Globex.",
        ],
    ),
    "globex-initech": (
        "Globex and Initech team up on chips",
        "2022-06-10",
        "Sam Lee",
        [
            "Globex Corporation and Initech announced a partnership to design inference chips "
            "for small data centres.",
            "Under the agreement Initech will supply its compiler toolchain while Globex builds "
            "the boards in its plant near Lyon, with samples due in the autumn.",
            "Analysts said the pairing lets both firms compete with the largest chip makers "
            "without spending billions on new factories of their own.",
        ],
    ),
    "umbrella-hooli": (
        "Umbrella Ventures backs Hooli Cloud",
        "2023-01-15",
        "Ana Ruiz",
        [
            "Umbrella Ventures invested $40 million in Hooli Cloud, the hosting startup said "
            "on Monday.",
            "The money will pay for two new regions in South America and a larger support "
            "team, according to the chief executive of Hooli Cloud.",
            "Umbrella Ventures led the round; earlier backers including Vandelay Capital also "
            "took part, bringing the total raised since 2019 to $95 million.",
        ],
    ),
}
# A syndicated copy of acme-foo: another headline and byline, one sentence reworded.
COPY_OF_ACME = (
    "Robot maker Acme snaps up Foo Labs",
    "2021-03-05",
    "Wire Staff",
    [
        "Acme Robotics acquired Foo Labs Inc. in 2021, the two companies said on Thursday.",
        "The deal gives Acme the vision software that Foo Labs built for warehouse robots, "
        "and brings forty engineers from Boston to the Acme campus in Denver.",
        "Foo Labs had raised money from Bar Ventures two years earlier. The price of the "
        "acquisition was not disclosed, and the Foo Labs brand will be retired next spring.",
        "Acme said the merged team will ship its first picking arm with the new cameras "
        "before the end of the year, ahead of rival machines from Globex.",
    ],
)
ATOM_ARTICLES = {
    "vandelay-soylent": (
        "Vandelay Industries sues Soylent Systems",
        "2023-05-02",
        [
            "Vandelay Industries sued Soylent Systems in a federal court in Delaware on "
            "Tuesday, claiming the robotics firm copied its latex handling patents.",
            "The complaint says Soylent Systems hired three Vandelay engineers in 2022 and "
            "shipped a gripper within months that uses the patented coating process.",
            "Soylent Systems said it would defend itself and called the lawsuit baseless. "
            "Neither company would comment on talks about a settlement or on licence terms.",
            "Legal experts expect the case to take at least two years unless the companies "
            "agree to cross license their work, as rivals in the sector often do.",
        ],
    ),
    "initech-pied": (
        "Initech and Pied Piper form compression alliance",
        "2023-08-21",
        [
            "Initech and Pied Piper announced a strategic partnership on Monday to bring "
            "middle-out compression to Initech storage appliances.",
            "Pied Piper will license its codec and send a team of engineers to Austin, while "
            "Initech will sell the appliances to its banking customers from next year.",
            "The companies said the alliance was the first of several they plan with "
            "hardware makers, and that the terms of the deal would remain private.",
            "Investors welcomed the news; shares of Initech rose four percent in early "
            "trading as analysts praised the move into data reduction software.",
        ],
    ),
}
ROBOTS = "User-agent: *\nDisallow: /private/\n"


def article_html(title: str, date: str, author: str, paragraphs: list[str]) -> str:
    """A page as a news site serves it: navigation, the article, comments and a footer."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)} | Test Wire</title>
<meta name="author" content="{escape(author)}">
<meta property="article:published_time" content="{date}T09:00:00Z"></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/tech">Technology</a></li>
<li><a href="/markets">Markets</a></li><li><a href="/about">About us</a></li></ul></nav>
<header><h1>{escape(title)}</h1><p class="byline">By {escape(author)}</p></header>
<article>{body}</article>
<section id="comments"><h2>Comments</h2><div class="comment"><p>Subscribe to our
newsletter for more stories like this one, every single morning!</p></div></section>
<footer><p>Copyright 2024 Test Wire. All rights reserved. Privacy policy.</p></footer>
</body></html>"""


def rss(base: str, items: list[tuple[str, str, str, str]]) -> str:
    """An RSS 2.0 feed of (path, title, date, summary) items holding only summaries."""
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>{base}{path}</link><guid>{base}{path}</guid>"
        f"<pubDate>{format_datetime(datetime.fromisoformat(d).replace(tzinfo=UTC))}</pubDate>"
        f"<description>{escape(summary)}</description></item>"
        for path, t, d, summary in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Test Wire</title><link>{base}/</link>{entries}</channel></rss>"
    )


def atom(base: str) -> str:
    """An Atom feed whose entries hold whole articles."""
    entries = "".join(
        f"<entry><id>tag:test.wire,2023:{slug}</id><title>{escape(title)}</title>"
        f'<link rel="alternate" href="{base}/atom/{slug}.html"/><updated>{date}T08:00:00Z</updated>'
        f"<author><name>Atom Desk</name></author><summary>{escape(paras[0][:60])}</summary>"
        f'<content type="html">{escape("".join(f"<p>{p}</p>" for p in paras))}</content>'
        "</entry>"
        for slug, (title, date, paras) in ATOM_ARTICLES.items()
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Atom Desk</title><id>tag:test.wire,2023:atom</id>{entries}</feed>"
    )


@dataclass
class Response:
    """What a route sends: status, headers, a body (bytes or a generator of chunks), a delay."""

    status: int = 200
    body: bytes | Callable[[], Iterator[bytes]] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class NewsSite:
    """The routes, the request log and the server; `url(path)` is a full URL."""

    def __init__(self) -> None:
        self.routes: dict[str, Callable[[dict[str, str]], Response]] = {}
        self.log: list[tuple[str, str]] = []  # (path, user agent)
        self.times: list[tuple[str, float]] = []  # (path, time.monotonic() on arrival)
        self.sent: dict[str, int] = {}  # bytes sent per path
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for p, _ in self.log if p == path)

    def route(self, path: str, response: Response | Callable[[dict[str, str]], Response]) -> None:
        self.routes[path] = response if callable(response) else (lambda _h, r=response: r)

    def start(self) -> NewsSite:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                path = self.path.split("?", 1)[0]
                with site._lock:
                    site.log.append((self.path, self.headers.get("User-Agent", "")))
                    site.times.append((self.path, time.monotonic()))
                route = site.routes.get(path) or site.routes.get(self.path)
                resp = route(dict(self.headers)) if route else Response(404, b"not found")
                if resp.delay:
                    time.sleep(resp.delay)
                try:
                    self.send_response(resp.status)
                    for name, value in resp.headers.items():
                        self.send_header(name, value)
                    if isinstance(resp.body, bytes):
                        self.send_header("Content-Length", str(len(resp.body)))
                    self.end_headers()
                    chunks = [resp.body] if isinstance(resp.body, bytes) else resp.body()
                    for chunk in chunks:
                        self.wfile.write(chunk)
                        with site._lock:
                            site.sent[path] = site.sent.get(path, 0) + len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (size limit): that is the point

        return Handler


def html(text: str, **headers: str) -> Response:
    return Response(
        200, text.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8", **headers}
    )


def fifty_megabytes() -> Iterator[bytes]:
    """50 MB of HTML, made as it is sent."""
    yield b"<html><body><p>"
    chunk = b"Acme Robotics acquired Foo Labs. " * 2000  # 66 KB
    for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
        yield chunk
    yield b"</p></body></html>"


def conditional(body: bytes, content_type: str, etag: str) -> Callable[[dict[str, str]], Response]:
    """A route answering 304 to a matching If-None-Match."""

    def respond(headers: dict[str, str]) -> Response:
        if headers.get("If-None-Match") == etag:
            return Response(304, b"", {"ETag": etag})
        return Response(200, body, {"Content-Type": content_type, "ETag": etag})

    return respond


def build_site(slow_delay: float = 1.5) -> NewsSite:
    """The full site with every good and bad case (not started)."""
    site = NewsSite()
    base = site.base
    site.route("/robots.txt", Response(200, ROBOTS.encode(), {"Content-Type": "text/plain"}))
    summaries = []
    for slug, (title, date, author, paras) in ARTICLES.items():
        site.route(f"/news/{slug}.html", html(article_html(title, date, author, paras)))
        summaries.append((f"/news/{slug}.html", title, date, paras[0][:80]))
    title, date, author, paras = COPY_OF_ACME
    site.route("/wire/acme-copy.html", html(article_html(title, date, author, paras)))
    summaries.append(("/wire/acme-copy.html", title, date, paras[0][:80]))
    secret = article_html("Secret plans", "2023-02-02", "Nobody", ARTICLES["acme-foo"][3])
    site.route("/private/secret.html", html(secret))
    site.route("/slow.html", Response(200, b"<html>late</html>", {}, delay=slow_delay))
    site.route("/error.html", Response(500, b"oops", {"Content-Type": "text/plain"}))
    site.route("/loop-a", Response(302, b"", {"Location": "/loop-b"}))
    site.route("/loop-b", Response(302, b"", {"Location": "/loop-a"}))
    site.route("/huge.html", Response(200, fifty_megabytes, {"Content-Type": "text/html"}))
    latin = article_html(
        "Café Robotics joins the Initech alliance",
        "2023-03-03",
        "Zoë Martin",
        [
            "Café Robotics joined the Initech alliance for “open” robot controllers on "
            "Wednesday, the group said in a statement.",
            "The Parisian start-up brings its motion planning software to the group, whose "
            "members agreed in 2022 to share safety test results and a common interface.",
        ],
    )
    # Declares UTF-8, but the bytes are windows-1252: the encoding is wrong.
    site.route(
        "/latin.html",
        Response(200, latin.encode("cp1252"), {"Content-Type": "text/html; charset=utf-8"}),
    )
    bad = [
        ("/private/secret.html", "Secret plans", "2023-02-02", "Forbidden."),
        ("/slow.html", "A slow page", "2023-02-03", "Slow."),
        ("/error.html", "A broken page", "2023-02-04", "Broken."),
        ("/loop-a", "A redirect loop", "2023-02-05", "Loop."),
        ("/huge.html", "A huge page", "2023-02-06", "Huge."),
        ("/latin.html", "Café Robotics joins", "2023-03-03", "Wrong encoding."),
    ]
    feed = rss(base, summaries + bad).encode("utf-8")
    site.route("/feed.xml", conditional(feed, "application/rss+xml", '"rss-1"'))
    site.route("/atom.xml", conditional(atom(base).encode(), "application/atom+xml", '"atom-1"'))
    for slug, (title, date, paras) in ATOM_ARTICLES.items():
        site.route(f"/atom/{slug}.html", html(article_html(title, date, "Atom Desk", paras)))
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base}/news/acme-foo.html</loc><lastmod>2021-03-04</lastmod></url>"
        f"<url><loc>{base}/news/globex-initech.html</loc><lastmod>2022-06-10</lastmod></url>"
        f"<url><loc>{base}/private/secret.html</loc></url>"
        "</urlset>"
    )
    site.route("/sitemap.xml", Response(200, sitemap.encode(), {"Content-Type": "application/xml"}))
    return site


def run_main(capsys: object, *args: object) -> tuple[int, str, str]:
    """Run the `alliancemap` command in this process: (exit code, stdout, stderr)."""
    import pytest

    from alliancemap.cli import main

    with pytest.raises(SystemExit) as stopped:
        main([str(a) for a in args])
    captured = capsys.readouterr()  # type: ignore[attr-defined]
    return int(stopped.value.code or 0), captured.out, captured.err
