"""How the CLI shows things: Rich tables for people, plain JSON for programs, progress on stderr.

Tables may truncate; JSON output never does (it bypasses Rich entirely).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from alliancemap.evaluate import EvalReport
from alliancemap.export import claim_dict, source_label

MAX_WARNINGS_SHOWN = 20
WIDE_TABLE = 120  # columns needed for the partners table with its evidence
MAX_CELL = 240  # characters of evidence in a table cell; --json has it all

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def print_json(data: Any) -> None:
    """Write `data` as JSON to stdout, untouched by Rich (no wrapping, no truncation)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def print_plain(line: str) -> None:
    """A plain stdout line, after anything Rich has written."""
    out.file.flush()
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def print_warnings(warnings: list[str], limit: int = MAX_WARNINGS_SHOWN) -> None:
    """One stderr line per warning, at most `limit`, then how many more there were."""
    for msg in warnings[:limit]:
        err.print(f"warning: {msg}", markup=False, soft_wrap=True)
    if len(warnings) > limit:
        err.print(f"... {len(warnings) - limit} more warnings", markup=False)


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:,.0f} docs/s", style="progress.data.speed")


@contextmanager
def progress(
    label: str, note: Callable[[], str] | None = None
) -> Iterator[Callable[[int, int | None], None]]:
    """A stderr progress display; yields `update(done, total|None)` (spinner when no total).
    `note()`, when given, is shown after the label at each update (tokens used, say)."""
    columns = [
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int | None = None) -> None:
            shown = f"{label} ({note()})" if note is not None else label
            bar.update(task, completed=done, total=total, description=shown)

        yield update


def table(
    title: str | None, columns: list[str], rows: list[list[Any]], wrap: str | None = None
) -> Table:
    """A Rich table with plain-text cells; only the `wrap` column wraps, the others stay whole."""
    t = Table(title=title, title_justify="left", min_width=len(title) + 4 if title else None)
    for name in columns:
        if name == wrap:
            t.add_column(name, overflow="fold", min_width=24, ratio=1)
        else:
            t.add_column(name, no_wrap=wrap is not None, overflow="ellipsis" if wrap else "fold")
    for row in rows:
        t.add_row(*(Text("" if v is None else str(v)) for v in row))
    return t


def _fmt(value: float) -> str:
    return f"{value:.3f}"


def show_ingest_summary(summary: Any, n_warnings: int) -> None:
    """The table printed after an ingest: documents, claims, warnings, time and speed."""
    seconds = float(summary.seconds or 0.0)
    rate = summary.documents_read / seconds if seconds > 0 else 0.0
    rows = [
        ["documents read", f"{summary.documents_read:,}"],
        ["new documents", f"{summary.new_documents:,}"],
        ["skipped (already stored)", f"{summary.skipped_documents:,}"],
        ["near-duplicates (linked)", f"{getattr(summary, 'near_duplicates', 0):,}"],
        ["claims found", f"{summary.claims_added:,}"],
        ["warnings", f"{n_warnings:,}"],
        ["time", f"{seconds:.1f} s"],
        ["speed", f"{rate:,.1f} docs/s"],
    ]
    out.print(table("Ingest", ["", "value"], rows))


def show_errors(report: EvalReport) -> None:
    """Every false positive and false negative, grouped by diagnosed cause, evidence in full."""
    groups = report.errors_by_cause()
    if not groups:
        out.print("no errors", markup=False)
        return
    for cause, items in groups.items():
        out.print(f"[bold]{escape(cause)}[/bold] ({len(items)})")
        for e in items:
            arrow = f"-{e.type}-"
            out.print(
                f"  {e.kind.upper()} {e.doc_id}  {e.subject} {arrow}> {e.object}  date {e.date}",
                markup=False,
                soft_wrap=True,
            )
            if e.evidence:
                out.print(f"      {e.evidence}", markup=False, soft_wrap=True)
        out.print()


def show_report(report: EvalReport) -> None:
    """The per-type table, the entity figure, then the three stable closing lines."""
    rows = []
    for rtype, s in report.per_type.items():
        if s.tp + s.fp + s.fn == 0:
            rows.append([rtype, 0, 0, 0, "-", "-", "-"])
            continue
        rows.append([rtype, s.tp, s.fp, s.fn, _fmt(s.precision), _fmt(s.recall), _fmt(s.f1)])
    t = report.total
    rows.append(["all", t.tp, t.fp, t.fn, _fmt(t.precision), _fmt(t.recall), _fmt(t.f1)])
    out.print(table("Relations by type", ["type", "tp", "fp", "fn", "P", "R", "F1"], rows))
    missing = f", {report.documents_missing} missing from predictions"
    out.print(
        f"documents {report.documents}{missing if report.documents_missing else ''}; "
        f"organization entities found {report.entities_found}/{report.entities_total} "
        f"(recall {report.entity_recall:.3f})",
        markup=False,
    )
    for line in report.summary_lines():
        print_plain(line)


def partner_json(p: Any) -> dict[str, Any]:
    """A partner summary for `--json` output, with every claim and its full evidence."""
    return {
        "partner": p.partner,
        "type": _value(p.type),
        "direction": p.direction,
        "n_claims": p.n_claims,
        "n_documents": p.n_documents,
        "first_date": p.first_date,
        "last_date": p.last_date,
        "claims": [claim_dict(c) for c in p.claims],
    }


def _value(x: Any) -> Any:
    return getattr(x, "value", x)


def evidence_cell(claims: Any) -> str:
    """One evidence sentence with its source, for a table row: the most confident claim."""
    if not claims:
        return ""
    best = max(claims, key=lambda c: float(c.confidence or 0.0))
    src = source_label(best)
    text = best.evidence if len(best.evidence) <= MAX_CELL else best.evidence[:MAX_CELL] + "…"
    return f"{text} [{src}]" if src else text


def show_partners(org: str, partners: list[Any]) -> None:
    """Partners of one organization, one row per (partner, type, direction), with evidence.

    Wide terminals get a table; narrow ones a block per partner, so evidence never vanishes.
    """
    arrows = {"out": "->", "in": "<-", "both": "<->"}
    rows = [
        [
            p.partner,
            _value(p.type),
            arrows.get(p.direction, p.direction),
            p.n_claims,
            p.n_documents,
            p.first_date or "",
            p.last_date or "",
            evidence_cell(p.claims),
        ]
        for p in partners
    ]
    if out.width >= WIDE_TABLE:
        cols = ["partner", "type", "dir", "claims", "sources", "first", "last", "evidence"]
        out.print(table(f"Partners of {org}", cols, rows, wrap="evidence"))
        return
    out.print(f"[bold]Partners of {escape(org)}[/bold]")
    for partner, rtype, arrow, n, sources, first, last, ev in rows:
        span = f", {first} .. {last}" if first else ""
        head = (
            f"{partner}  {arrow} {rtype}  {_count(n, 'claim')}, {_count(sources, 'source')}{span}"
        )
        out.print(head, markup=False, soft_wrap=True)
        out.print(f"    {ev}", markup=False, soft_wrap=True)


def show_claims(title: str, claims: list[Any]) -> None:
    """Claims as blocks (not a table) so each evidence sentence is shown whole."""
    out.print(f"[bold]{escape(title)}[/bold] ({len(claims)} claims)")
    for c in claims:
        ended = f" ended {c.end_date or ''}".rstrip() if c.ended else ""
        out.print(
            f"{c.date or 'undated'}  {c.subject} -{_value(c.type)}-> {c.object}{ended}  "
            f"({c.extractor}, confidence {float(c.confidence or 0.0):.2f})",
            markup=False,
            soft_wrap=True,
        )
        out.print(f"    {c.evidence}", markup=False, soft_wrap=True)
        src = source_label(c)
        if src:
            out.print(f"    source: {src}", markup=False, soft_wrap=True)


def show_mapping(title: str, data: Mapping[str, Any], columns: tuple[str, str]) -> None:
    """A two-column table of a name -> number mapping."""
    out.print(table(title, list(columns), [[k, v] for k, v in data.items()]))


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
