"""Bad input of every kind through the real CLI: a clear line naming the file, a non-zero exit
when nothing could be read, never a traceback, and the store as it was before."""

from __future__ import annotations

import ctypes
import gzip
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from clirun import run_cli
from newsserver import NewsSite, Response, article_html, html

RULES = ("--extractor", "rules")
NEWS = """\
Microsoft invested $10 billion in OpenAI in January 2023.
Nvidia supplies GPUs to Meta.
Google and Anthropic announced a strategic partnership in March 2023.
"""
GOOD = "Amazon acquired Zoox in June 2020."
SECRET = "XXE-SECRET-7f3a9c"
_PR_CAPBSET_DROP, _CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 24, 1, 2


# -- helpers --------------------------------------------------------------------------------


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: what "the store is unchanged" compares."""
    conn = sqlite3.connect(db)
    try:
        names = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
        return {n: sorted(map(repr, conn.execute(f'select * from "{n}"'))) for n in names}
    finally:
        conn.close()


def docs(db: Path) -> dict[str, tuple]:
    """doc_id -> (published, text) of the stored documents."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("select doc_id, published, text from documents").fetchall()
    finally:
        conn.close()
    return {r[0]: (r[1], r[2]) for r in rows}


def lines(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in proc.stderr.splitlines() if line.strip()]


def assert_refused(proc: subprocess.CompletedProcess[str], where: object, fragment: str) -> None:
    """Exit 1; stderr is warnings, each naming `where`, then one `error:` line; `fragment`
    and `where` are named."""
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    out = lines(proc)
    assert out and out[-1].startswith("error: "), proc.stderr
    assert all(line.startswith("warning: ") for line in out[:-1]), proc.stderr
    assert all(str(where) in line for line in out), proc.stderr
    assert fragment in proc.stderr, proc.stderr


def without_file_privileges() -> None:
    """In the child: drop the capabilities that let root ignore file modes (chmod 000)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.fixture
def modes_enforced(tmp_path: Path) -> Callable[[], None] | None:
    """A preexec_fn under which chmod 000 blocks reads (None when not root); skips if none."""
    drop = without_file_privileges if os.geteuid() == 0 else None
    probe = tmp_path / "probe"
    probe.write_text("x")
    probe.chmod(0)
    try:
        seen = subprocess.run(
            [sys.executable, "-c", f"open({str(probe)!r}).read()"],
            capture_output=True,
            preexec_fn=drop,
        )
    except subprocess.SubprocessError:
        seen = None
    probe.unlink()
    if seen is None or seen.returncode == 0:
        pytest.skip("file modes are not enforced here (root that cannot drop CAP_DAC_OVERRIDE)")
    return drop


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("seed")
    (root / "news.txt").write_text(NEWS, encoding="utf-8")
    proc = run_cli("ingest", root / "news.txt", "--db", root / "map.db", *RULES)
    assert proc.returncode == 0, proc.stderr
    return root / "map.db"


@pytest.fixture
def store(seeded: Path, tmp_path: Path) -> Path:
    """A copy of the seeded store, for a test to run bad commands against."""
    db = tmp_path / "map.db"
    shutil.copy(seeded, db)
    return db


# -- inputs nothing can be read from: exit 1, store unchanged -------------------------------


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _jsonl(*records: object) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode("utf-8")


BINARY = b"\x00\x01\x02\xff" * 100
SCRIPTS_ONLY = (
    b"<html><head><script>var deal = 'Microsoft invested in OpenAI';</script></head>"
    b"<body><script>document.write('Nvidia supplies GPUs to Meta')</script>"
    b"<style>p { color: red }</style></body></html>"
)
UNREADABLE = [
    ("binary.txt", BINARY, "binary file"),
    ("binary.jsonl", BINARY, "binary file"),
    ("binary.csv", BINARY, "binary file"),
    ("binary.html", BINARY, "binary file"),
    ("binary.rss", BINARY, "binary file"),
    ("utf16.txt", _utf16(NEWS), "UTF-16 text without a byte-order mark"),
    ("utf16.jsonl", _utf16('{"id": "a", "text": "x"}\n'), "UTF-16 text without a byte-order mark"),
    ("utf16.csv", _utf16("id,text\na,Microsoft bought Foo.\n"), "UTF-16 text without a"),
    ("notgzip.jsonl.gz", b"this is plain text, not gzip", "not a gzip file"),
    ("notgzip.csv.gz", b"this is plain text, not gzip", "not a gzip file"),
    ("cut.jsonl.gz", gzip.compress(_jsonl({"text": NEWS}) * 50)[:12], "truncated gzip"),
    ("empty.txt", b"", "empty file"),
    ("empty.jsonl", b"\n\n", "empty file"),
    ("empty.csv", b"", "empty file"),
    ("empty.html", b"", "no article text"),
    ("empty.rss", b"", "empty file"),
    ("scripts.html", SCRIPTS_ONLY, "no article text"),
    ("nottext.csv", b"id,title,date\na,Hello,2023-01-01\n", "no text column"),
    ("allbad.jsonl", b'{broken\n[1, 2]\n"text"\n{"id": "no text"}\n', "allbad.jsonl:4"),
]


@pytest.mark.parametrize(("name", "data", "fragment"), UNREADABLE, ids=[c[0] for c in UNREADABLE])
def test_an_input_nothing_can_be_read_from_is_refused(
    store: Path, tmp_path: Path, name: str, data: bytes, fragment: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    before = snapshot(store)
    assert_refused(run_cli("ingest", path, "--db", store, *RULES), path, fragment)
    assert snapshot(store) == before


def test_a_csv_column_that_is_not_there_is_refused(store: Path, tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text("id,body\na,Microsoft invested in OpenAI.\n", encoding="utf-8")
    before = snapshot(store)
    proc = run_cli("ingest", path, "--db", store, "--columns", "text=story", *RULES)
    assert_refused(proc, path, "no column 'story' for text (columns: id, body)")
    assert snapshot(store) == before


def test_extract_of_an_unreadable_input_leaves_the_output_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("earlier output\n", encoding="utf-8")
    for name, data in (("binary.jsonl", BINARY), ("empty.txt", b"")):
        path = tmp_path / name
        path.write_bytes(data)
        assert_refused(run_cli("extract", path, "-o", out, *RULES), path, str(path))
        assert out.read_text(encoding="utf-8") == "earlier output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["binary.jsonl", "empty.txt", "out.jsonl"]


# -- inputs with some bad parts: warn, keep the good, exit 0 --------------------------------


def test_bad_lines_are_named_and_the_good_ones_stored(store: Path, tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    with path.open("wb") as fh:
        fh.write(_jsonl({"id": "first", "text": GOOD}))
        fh.write(b"{broken\n")
        fh.write(b"[1, 2, 3]\n")
        fh.write(b'"just a string"\n')
        fh.write(b'{"id": "huge", "text": "')  # a line of 50 MB
        fh.write(b"a" * (50 * 1024 * 1024))
        fh.write(b'"}\n')
        fh.write(b'{"id": "latin", "text": "Caf\xe9 Robotics joined Initech."}\n')
        fh.write(_jsonl({"id": "dated", "text": "Meta sued Google.", "published": "2023-13-45"}))
        fh.write(_jsonl({"id": "last", "text": "Apple partnered with OpenAI in 2024."}))
    before = snapshot(store)
    started = time.monotonic()
    proc = run_cli("ingest", path, "--db", store, *RULES)
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - started < 30
    assert lines(proc) == [
        f"warning: {path}:2: malformed JSON (Expecting property name enclosed in double quotes, "
        "column 2), line skipped",
        f"warning: {path}:3: not a JSON object, line skipped",
        f"warning: {path}:4: not a JSON object, line skipped",
        f"warning: {path}:5: line too long (50.0 MB, limit 10 MB), skipped",
        f"warning: {path}:6: not valid UTF-8, bad bytes replaced",
        f"warning: {path}:7: impossible date '2023-13-45', ignored",
    ]
    stored = docs(store)
    assert {"first", "latin", "dated", "last"} <= set(stored) and "huge" not in stored
    assert stored["dated"][0] is None
    after = snapshot(store)
    assert all(set(rows) <= set(after[table]) for table, rows in before.items())


def test_other_recoverable_problems_are_one_warning_each(store: Path, tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Café Robotics joined the Initech alliance.\n".encode("cp1252"))
    dates = tmp_path / "dates.csv"
    dates.write_text(f"id,text,date\ncsv1,{GOOD},2023-13-45\n", encoding="utf-8")
    body = "".join(f"id{i},Document {i}. {GOOD}\n" for i in range(300))
    data = gzip.compress(("id,text\n" + body).encode("utf-8"))
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(data[: len(data) // 2])
    proc = run_cli("ingest", latin, dates, cut, "--db", store, *RULES)
    assert proc.returncode == 0, proc.stderr
    out = lines(proc)
    assert out[0] == f"warning: {latin}: not valid UTF-8 (byte 3), read as cp1252"
    assert out[1] == f"warning: {dates}:2: impossible date '2023-13-45', ignored"
    assert out[2].startswith(f"warning: {cut}: truncated gzip after line ") and len(out) == 3
    stored = docs(store)
    assert stored["latin"][1].startswith("Café") and stored["csv1"][0] is None
    assert 0 < sum(k.startswith("id") for k in stored) < 300


def test_unreadable_files_in_a_directory_are_skipped_by_name(
    store: Path, tmp_path: Path, modes_enforced: Callable[[], None] | None
) -> None:
    root = tmp_path / "inbox"
    (root / "locked").mkdir(parents=True)
    (root / "good.txt").write_text(GOOD, encoding="utf-8")
    (root / "secret.jsonl").write_bytes(_jsonl({"id": "s", "text": NEWS}))
    (root / "secret.txt").write_text(NEWS, encoding="utf-8")
    (root / "locked" / "inner.txt").write_text(NEWS, encoding="utf-8")
    for p in (root / "secret.jsonl", root / "secret.txt", root / "locked"):
        p.chmod(0)
    try:
        proc = run_cli("ingest", root, "--db", store, *RULES, preexec_fn=modes_enforced)
        assert proc.returncode == 0, proc.stderr
        assert sorted(lines(proc)) == [
            f"warning: {root / 'locked'}: cannot read directory (Permission denied); skipped",
            f"warning: {root / 'secret.jsonl'}: cannot read (Permission denied); file skipped",
            f"warning: {root / 'secret.txt'}: cannot read (Permission denied); file skipped",
        ]
        assert "good" in docs(store)
        before = snapshot(store)
        (root / "good.txt").chmod(0)
        proc = run_cli("ingest", root, "--db", store, *RULES, preexec_fn=modes_enforced)
        assert_refused(proc, root, f"error: no documents read from {root}")
        assert snapshot(store) == before
    finally:
        for p in (root / "secret.jsonl", root / "secret.txt", root / "locked", root / "good.txt"):
            p.chmod(0o700)


def _entity_feeds(tmp_path: Path, link: str) -> tuple[bytes, bytes]:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    item = (
        f"<item><title>Deal</title><link>{link}</link>"
        "<description>Microsoft invested in OpenAI. &{name};</description></item>"
    )
    xxe = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        f'<rss version="2.0"><channel><title>T</title>{item.format(name="xxe")}</channel></rss>\n'
    )
    levels = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    bomb = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [{levels}]>\n'
        f'<rss version="2.0"><channel><title>T</title>{item.format(name="lol9")}</channel></rss>\n'
    )
    return xxe.encode(), bomb.encode()


def test_feed_entities_are_never_read_or_expanded(store: Path, tmp_path: Path) -> None:
    xxe, bomb = _entity_feeds(tmp_path, "http://example.com/deal")
    (tmp_path / "xxe.rss").write_bytes(xxe)
    (tmp_path / "bomb.xml").write_bytes(bomb)
    for name in ("xxe.rss", "bomb.xml"):
        path = tmp_path / name
        started = time.monotonic()
        proc = run_cli("ingest", path, "--db", store, *RULES)
        assert proc.returncode == 0, proc.stderr
        assert time.monotonic() - started < 30
        assert lines(proc) == [
            f"warning: {path}: external or nested XML entities refused (never read or "
            "expanded); 1 entries read"
        ]
        assert SECRET not in proc.stdout + proc.stderr
    everything = repr(snapshot(store))
    assert SECRET not in everything and "lollollol" not in everything


# -- web sources: loops end, entities stay unexpanded ---------------------------------------


def test_self_listing_sitemaps_end_and_served_entities_stay_unexpanded(
    store: Path, tmp_path: Path
) -> None:
    site = NewsSite()
    base = site.base
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    index = f"<sitemapindex {ns}><sitemap><loc>{base}/index.xml</loc></sitemap></sitemapindex>"
    urlset = (
        f"<urlset {ns}><url><loc>{base}/pages.xml</loc></url>"
        f"<url><loc>{base}/news/deal.html</loc></url></urlset>"
    )
    paragraphs = [
        "Acme Robotics acquired Foo Labs Inc. in 2021, the two companies said on Thursday, "
        "after months of talks between their boards about the price and the teams.",
        "The deal gives Acme the vision software that Foo Labs built for warehouse robots, "
        "and brings forty engineers from Boston to the Acme campus in Denver next year.",
    ]
    xml = {"Content-Type": "application/xml"}
    site.route("/index.xml", Response(200, index.encode(), xml))
    site.route("/pages.xml", Response(200, urlset.encode(), xml))
    site.route(
        "/news/deal.html", html(article_html("Acme buys Foo", "2021-03-04", "J", paragraphs))
    )
    xxe, bomb = _entity_feeds(tmp_path, f"{base}/nowhere.html")
    rss = {"Content-Type": "application/rss+xml"}
    site.route("/xxe.rss", Response(200, xxe, rss))
    site.route("/bomb.rss", Response(200, bomb, rss))
    sources = tmp_path / "SOURCES.yaml"
    sources.write_text(
        "sources:\n"
        f"  - sitemap: {base}/index.xml\n  - sitemap: {base}/pages.xml\n"
        f"  - feed: {base}/xxe.rss\n    follow: never\n"
        f"  - feed: {base}/bomb.rss\n    follow: never\n",
        encoding="utf-8",
    )
    site.start()
    try:
        fast = ("--timeout", "2", "--retries", "0", "--rate-limit", "0")
        proc = run_cli("update", sources, "--db", store, *RULES, *fast, timeout=60)
    finally:
        site.stop()
    assert proc.returncode == 0, proc.stderr
    assert sorted(lines(proc)) == [
        f"warning: {base}/bomb.rss: external or nested XML entities refused (never read or "
        "expanded); 1 entries read",
        f"warning: {base}/index.xml: the sitemap index lists itself; not read again",
        f"warning: {base}/pages.xml: the sitemap lists itself as a page; not fetched",
        f"warning: {base}/xxe.rss: external or nested XML entities refused (never read or "
        "expanded); 1 entries read",
    ]
    assert site.hits("/index.xml") == 1 and site.hits("/pages.xml") == 1
    assert site.hits("/news/deal.html") == 1
    everything = repr(snapshot(store))
    assert SECRET not in everything + proc.stdout and "lollollol" not in everything


# -- dates and output paths -----------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["partners", "Microsoft", "--as-of", "2023-13-45"],
        ["rank", "--as-of", "soon"],
        ["export", "-f", "json", "-o", "OUT", "--as-of", "2023-02-30"],
    ],
    ids=["partners-impossible", "rank-words", "export-no-such-day"],
)
def test_a_malformed_as_of_is_one_error(store: Path, tmp_path: Path, args: list[str]) -> None:
    args = [str(tmp_path / "out.json") if a == "OUT" else a for a in args]
    before = snapshot(store)
    proc = run_cli(*args, "--db", store)
    assert proc.returncode == 1 and lines(proc) == [
        f"error: bad --as-of date {args[-1]!r} (use YYYY, YYYY-MM or YYYY-MM-DD)"
    ]
    assert snapshot(store) == before and not (tmp_path / "out.json").exists()


def test_an_as_of_in_the_future_warns_and_shows_the_map_of_today(store: Path) -> None:
    now = json.loads(run_cli("partners", "Microsoft", "--json", "--db", store).stdout)
    proc = run_cli("partners", "Microsoft", "--json", "--as-of", "2999-01", "--db", store)
    assert proc.returncode == 0
    assert lines(proc) == [
        "warning: --as-of 2999-01 is in the future; showing the map as known today"
    ]

    def ties(data: dict) -> set[tuple[str, str]]:
        return {(p["partner"], p["type"]) for p in data["partners"]}

    assert ties(json.loads(proc.stdout)) == ties(now) != set()


@pytest.mark.parametrize(
    "args",
    [
        ["extract", "NEWS", "-o", "OUT", *RULES],
        ["export", "-f", "csv", "-o", "OUT", "--db", "DB"],
        ["report", "-o", "OUT", "--db", "DB"],
    ],
    ids=["extract", "export", "report"],
)
def test_an_output_in_a_missing_directory_is_one_error(
    store: Path, tmp_path: Path, args: list[str]
) -> None:
    (tmp_path / "news.txt").write_text(NEWS, encoding="utf-8")
    out = tmp_path / "missing" / "out.file"
    values = {"NEWS": tmp_path / "news.txt", "OUT": out, "DB": store}
    proc = run_cli(*[values.get(a, a) for a in args])
    assert proc.returncode == 1
    assert lines(proc) == [f"error: {out}: directory {out.parent} does not exist"]
    assert not out.parent.exists()


# -- stores that cannot be used -------------------------------------------------------------


def test_a_read_only_store_is_read_but_never_written(
    store: Path, tmp_path: Path, modes_enforced: Callable[[], None] | None
) -> None:
    news = tmp_path / "more.txt"
    news.write_text(GOOD, encoding="utf-8")
    before = snapshot(store)
    store.chmod(0o444)
    try:
        proc = run_cli("ingest", news, "--db", store, *RULES, preexec_fn=modes_enforced)
        assert_refused(proc, store, "attempt to write a readonly database")
        shown = run_cli("stats", "--json", "--db", store, preexec_fn=modes_enforced)
        assert shown.returncode == 0 and json.loads(shown.stdout)["documents"] == 1
    finally:
        store.chmod(0o644)
    assert snapshot(store) == before


def _newer(db: Path) -> None:
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("update meta set value = '99' where key = 'schema_version'")
    conn.close()


STORES = [
    ("random-bytes", lambda p: p.write_bytes(os.urandom(4096)), "not an alliancemap store"),
    ("text", lambda p: p.write_text("SQLite format 3 " * 50), "not an alliancemap store"),
    ("newer-schema", _newer, "store schema version 99 is newer than this alliancemap supports"),
]


@pytest.mark.parametrize(("kind", "make", "fragment"), STORES, ids=[s[0] for s in STORES])
@pytest.mark.parametrize("command", ["stats", "ingest"])
def test_a_store_that_cannot_be_used_is_left_untouched(
    store: Path,
    tmp_path: Path,
    kind: str,
    make: Callable[[Path], None],
    fragment: str,
    command: str,
) -> None:
    if kind != "newer-schema":
        store.unlink()
    make(store)
    before = store.read_bytes()
    news = tmp_path / "news.txt"
    news.write_text(GOOD, encoding="utf-8")
    args = ["stats"] if command == "stats" else ["ingest", news, *RULES]
    proc = run_cli(*args, "--db", store)
    assert proc.returncode == 1
    (line,) = lines(proc)
    assert line.startswith(f"error: {store}: {fragment}"), line
    assert store.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.db", "news.txt"]
