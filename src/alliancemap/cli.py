"""The `alliancemap` command: each command is a thin wrapper over the Python API.

User mistakes (bad files, bad dates, unknown names) end in one `error: ...` line on stderr and
exit code 1; anything unexpected in `error: internal error: ...` and exit code 2, with a
traceback only when ALLIANCEMAP_DEBUG=1.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from alliancemap import cli_output as show
from alliancemap import registry
from alliancemap.atomic import is_stdout
from alliancemap.cli_llm_flags import (
    BudgetFlag,
    CacheFlag,
    ConcurrencyFlag,
    LLMTimeoutFlag,
    ModelFlag,
    RpmFlag,
    UrlFlag,
    llm_options,
    show_llm_summary,
)
from alliancemap.errors import AllianceMapError
from alliancemap.export import claim_dict
from alliancemap.model import RelationType

app = typer.Typer(
    name="alliancemap",
    help="Map the AI industry's rivalries and alliances from news, every edge with evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT.parent / "shared"
DEMO_CORPUS = SHARED / "corpus" / "ai-tech-articles.jsonl.gz"
DEMO_SEED = SHARED / "seed"
DEMO_WORKERS = min(4, os.cpu_count() or 1)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="ALLIANCEMAP_DB",
        help="Store: a SQLite path or database URL [default: ./alliancemap.db].",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
ExtractorOption = Annotated[str, typer.Option("--extractor", help="Registered extractor name.")]


def parse_as_of(value: str | None) -> str | None:
    """Check an --as-of date (YYYY, YYYY-MM or YYYY-MM-DD): ValueError naming the format when
    malformed; a date in the future warns and means no cut-off (the map as known today)."""
    from alliancemap.graph.dates import check_date

    when = None if value is None else check_date(value, "--as-of date")
    if when is not None and when > date.today().isoformat()[: len(when)]:
        show.err.print(
            f"warning: --as-of {when} is in the future; showing the map as known today",
            markup=False,
        )
        return None
    return when


def parse_type(value: str | None) -> RelationType | None:
    """Check a --type name against the closed set; raises ValueError listing the valid ones."""
    return None if value is None else RelationType.parse(value)


def check_name(group: str, name: str) -> str:
    """Check a plug-in name against the registry, naming the known ones when it is unknown."""
    known = registry.names(group)
    if name not in known:
        what = group[:-1]
        raise AllianceMapError(f"unknown {what} {name!r} (known: {', '.join(known) or 'none'})")
    return name


def check_inputs(paths: list[str]) -> None:
    """Fail before any work on an input the readers cannot take (missing, unsupported type)."""
    from alliancemap.ingest import is_url, iter_files

    for p in paths:
        if not is_url(p):
            iter_files(Path(p))


def opened_store(db: str | None) -> Any:
    """The store at `db` (or $ALLIANCEMAP_DB, or the default); use it as a context manager."""
    from alliancemap.store import open_store

    return open_store(db)


def resolve_org(store: Any, name: str) -> str:
    """The canonical name the store knows `name` by; an unknown one is a user error."""
    canonical = store.resolve(name)
    if not canonical:
        raise AllianceMapError(f"unknown organization {name!r}")
    return canonical


def _run_ingest(
    paths: list[str], store: Any, extractor: str, runner: Any = None, **kw: Any
) -> None:
    """Run an ingest (pipeline.ingest, or `runner` with the same shape) with progress shown."""
    from alliancemap.pipeline import ingest

    run = runner or ingest
    warnings: list[str] = []
    stats = kw.pop("llm_stats", None)
    note = stats.progress_text if stats is not None else None
    try:
        with show.progress("ingesting", note) as update:
            summary = run(
                paths,
                store,
                extractor_name=extractor,
                on_progress=update,
                on_warning=warnings.append,
                **kw,
            )
    finally:  # the warnings before an error explain it too
        show.print_warnings(warnings)
    interrupted = getattr(summary, "interrupted", False)
    stopped = getattr(summary, "stopped", "")
    if summary.documents_read == 0 and not interrupted and not stopped:
        raise AllianceMapError(f"no documents read from {', '.join(map(str, paths))}")
    show.show_ingest_summary(summary, len(warnings))
    show_llm_summary(stats, show.err)
    if getattr(summary, "dropped_documents", 0):
        show.err.print(
            f"{summary.dropped_documents} documents could not be read and were not stored"
            " (a later run tries them again)",
            markup=False,
        )
    if stopped:
        show.err.print(
            f"stopped: {summary.stopped}; what was read before is stored, a re-run goes on",
            markup=False,
        )
    if interrupted:
        show.err.print("interrupted: the batches stored before ^C are kept", markup=False)


@app.command()
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files, directories (jsonl[.gz], txt, md, html, csv, tsv, rss, atom, xml) "
            "or http(s) URLs."
        ),
    ],
    db: DbOption = None,
    extractor: ExtractorOption = registry.DEFAULT_EXTRACTOR,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1)] = 200,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Extraction processes (local Dask workers).")
    ] = 1,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="local: this machine's processes; dask: a Dask cluster (see --scheduler).",
        ),
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Dask scheduler address (tcp://HOST:8786); default: a local cluster of --workers.",
            show_default=False,
        ),
    ] = None,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            help="CSV columns of the fields, e.g. text=body,title=headline,published=date.",
            show_default=False,
        ),
    ] = None,
    llm_url: UrlFlag = None,
    llm_model: ModelFlag = None,
    max_tokens_total: BudgetFlag = None,
    llm_concurrency: ConcurrencyFlag = None,
    llm_rpm: RpmFlag = None,
    llm_timeout: LLMTimeoutFlag = None,
) -> None:
    """Read documents, extract claims and add them to the store (already-seen texts are skipped)."""
    if engine not in ("local", "dask"):
        raise AllianceMapError(f"unknown engine {engine!r} (known: local, dask)")
    if scheduler is not None and engine != "dask":
        raise AllianceMapError("--scheduler needs --engine dask")
    from alliancemap.ingest.csvfile import parse_columns

    mapping = parse_columns(columns)
    if mapping and engine == "dask":
        raise AllianceMapError("--columns works with --engine local only")
    check_inputs(paths)
    check_name("extractors", extractor)
    options, stats = llm_options(
        extractor,
        llm_url=llm_url,
        llm_model=llm_model,
        max_tokens_total=max_tokens_total,
        llm_concurrency=llm_concurrency,
        llm_rpm=llm_rpm,
        llm_timeout=llm_timeout,
    )
    if options and (engine == "dask" or workers > 1):
        raise AllianceMapError(
            "--extractor llm runs its requests concurrently itself (--llm-concurrency):"
            " use it with --workers 1 and --engine local"
        )
    if engine == "dask":
        from alliancemap.distributed import ingest_dask
        from alliancemap.store.engine import database_url

        url = database_url(db).render_as_string(hide_password=False)
        _run_ingest(
            paths,
            url,
            extractor,
            runner=ingest_dask,
            batch_size=batch_size,
            workers=workers,
            scheduler=scheduler,
        )
        return
    with opened_store(db) as store:
        extra: dict[str, Any] = {"columns": mapping} if mapping else {}
        if options:
            extra |= {"extractor_options": options, "llm_stats": stats}
        _run_ingest(paths, store, extractor, batch_size=batch_size, workers=workers, **extra)


@app.command()
def extract(
    in_path: Annotated[str, typer.Argument(metavar="IN", help="Input jsonl, jsonl.gz or txt.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output JSON-lines file.")],
    extractor: ExtractorOption = registry.DEFAULT_EXTRACTOR,
    llm_url: UrlFlag = None,
    llm_model: ModelFlag = None,
    cache: CacheFlag = None,
    max_tokens_total: BudgetFlag = None,
    llm_concurrency: ConcurrencyFlag = None,
    llm_rpm: RpmFlag = None,
    llm_timeout: LLMTimeoutFlag = None,
) -> None:
    """Extract entities and relations into JSON lines, one per input document; no store."""
    from alliancemap.extract_io import extract_file

    check_inputs([in_path])
    check_name("extractors", extractor)
    options, stats = llm_options(
        extractor,
        llm_url=llm_url,
        llm_model=llm_model,
        cache=cache,
        max_tokens_total=max_tokens_total,
        llm_concurrency=llm_concurrency,
        llm_rpm=llm_rpm,
        llm_timeout=llm_timeout,
    )
    warnings: list[str] = []
    note = stats.progress_text if stats is not None else None
    try:
        with show.progress("extracting", note) as update:
            summary = extract_file(in_path, out, extractor, update, warnings.append, options)
    finally:
        show.print_warnings(warnings)
    # With `-o -` the records are standard output, so the summary goes to standard error.
    console = show.err if is_stdout(out) else show.out
    dropped = f", {summary.dropped} not readable" if summary.dropped else ""
    console.print(
        f"extracted {summary.documents} documents: {summary.entities} entities, "
        f"{summary.relations} relations{dropped} -> {summary.out_path} ({summary.seconds:.1f} s)",
        markup=False,
        soft_wrap=True,
    )
    show_llm_summary(stats, show.err)
    if summary.stopped:
        show.err.print(
            f"stopped: {summary.stopped}; the documents before it are written, a re-run "
            "with a larger budget takes the answers paid for from the cache",
            markup=False,
            soft_wrap=True,
        )


@app.command()
def evaluate(
    gold: Annotated[str, typer.Argument(help="Gold JSON-lines file.")],
    pred: Annotated[
        str | None, typer.Option("--pred", help="Predictions; default: extract the gold texts.")
    ] = None,
    errors: Annotated[bool, typer.Option("--errors", help="List every error by cause.")] = False,
    as_json: JsonOption = False,
    extractor: ExtractorOption = registry.DEFAULT_EXTRACTOR,
    cv: Annotated[
        int | None,
        typer.Option("--cv", min=2, help="K-fold cross-validation of the learned model on GOLD."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the --cv folds.")] = 0,
) -> None:
    """Score relations against a gold set: P/R/F1 per type, date accuracy, errors by cause."""
    from alliancemap.evaluate import evaluate as score
    from alliancemap.evaluate import load_records

    gold_records = load_records(gold)
    warnings: list[str] = []
    if cv is not None:
        if pred is not None:
            raise AllianceMapError("--cv trains its own models: it takes no --pred")
        if cv > len(gold_records):
            raise AllianceMapError(f"--cv {cv}: more folds than the {len(gold_records)} passages")
        from alliancemap.cli_learn import cross_validated_predictions

        pred_records = cross_validated_predictions(gold_records, cv, seed)
    elif pred is not None:
        pred_records = load_records(pred)
    else:
        from alliancemap.extract_io import extract_records

        check_name("extractors", extractor)
        pred_records = list(extract_records(gold, extractor, on_warning=warnings.append))
    show.print_warnings(warnings)
    report = score(gold_records, pred_records)
    if as_json:
        show.print_json(report.to_dict())
        return
    if errors:
        show.show_errors(report)
    show.show_report(report)


@app.command()
def partners(
    org: Annotated[str, typer.Argument(help="Organization name or alias.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY[-MM[-DD]].")] = None,
    rtype: Annotated[str | None, typer.Option("--type", help="Only this relation type.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who an organization is allied or at odds with, with evidence and sources."""
    when, kind = parse_as_of(as_of), parse_type(rtype)
    with opened_store(db) as store:
        name = resolve_org(store, org)
        rows = store.partners(name, as_of=when, type=kind)
    if as_json:
        show.print_json(
            {"organization": name, "as_of": when, "partners": [show.partner_json(p) for p in rows]}
        )
    elif rows:
        show.show_partners(name, rows)
    else:
        show.out.print(f"no relations found for {name}", markup=False)


@app.command()
def timeline(
    org: Annotated[str, typer.Argument(help="Organization name or alias.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """An organization's relations in date order."""
    with opened_store(db) as store:
        name = resolve_org(store, org)
        claims = list(store.timeline(name))
    if as_json:
        show.print_json({"organization": name, "claims": [claim_dict(c) for c in claims]})
    else:
        show.show_claims(f"Timeline of {name}", claims)


@app.command()
def evidence(
    org1: Annotated[str, typer.Argument(help="First organization.")],
    org2: Annotated[str, typer.Argument(help="Second organization.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every claim between two organizations: evidence, source, date, extractor, confidence."""
    with opened_store(db) as store:
        a, b = resolve_org(store, org1), resolve_org(store, org2)
        claims = list(store.evidence(a, b))
    if as_json:
        show.print_json({"a": a, "b": b, "claims": [claim_dict(c) for c in claims]})
    else:
        show.show_claims(f"{a} and {b}", claims)


@app.command()
def export(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Format: json, csv, graphml, gexf, or a plug-in.")
    ],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output file.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY[-MM[-DD]].")] = None,
    db: DbOption = None,
) -> None:
    """Write the map (organizations, edges, claims with evidence) for other tools."""
    exporter = registry.get("exporters", check_name("exporters", fmt))
    when = parse_as_of(as_of)
    with opened_store(db) as store:
        exporter(store, out, **({"as_of": when} if when else {}))
    (show.err if is_stdout(out) else show.out).print(
        f"exported {fmt} to {out}", markup=False, soft_wrap=True
    )


@app.command()
def stats(
    db: DbOption = None,
    top: Annotated[int, typer.Option("--top", min=0, help="How many organizations to list.")] = 10,
    as_json: JsonOption = False,
) -> None:
    """What the store holds: documents, entities, claims per type, top organizations."""
    with opened_store(db) as store:
        data = dict(store.stats())
        per_org: Counter[str] = Counter()
        for claim in store.iter_claims():
            per_org.update({claim.subject, claim.object})
    data["top_organizations"] = dict(per_org.most_common(top))
    if as_json:
        show.print_json(data)
        return
    scalars = {k.replace("_", " "): v for k, v in data.items() if not isinstance(v, dict)}
    show.show_mapping("Store", scalars, ("", "value"))
    show.show_mapping("Claims by type", data.get("claims_by_type", {}), ("type", "claims"))
    show.show_mapping(
        "Top organizations by claims", data["top_organizations"], ("organization", "claims")
    )


@app.command()
def kb(as_json: JsonOption = False) -> None:
    """What the bundled knowledge base holds."""
    from alliancemap.kb import default_kb

    base = default_kb()
    data = {
        "organizations": len(base.organizations),
        "organizations_by_kind": dict(
            Counter(e.kind for e in base.organizations.values()).most_common()
        ),
        "products": len(base.products),
        "products_by_category": dict(Counter(e.kind for e in base.products.values()).most_common()),
        "relations": len(base.relations),
        "relations_by_type": dict(Counter(r.type.value for r in base.relations).most_common()),
    }
    if as_json:
        show.print_json(data)
        return
    show.show_mapping(
        "Knowledge base",
        {
            "organizations": data["organizations"],
            "products": data["products"],
            "landmark relations": data["relations"],
        },
        ("", "count"),
    )
    show.show_mapping("Organizations by kind", data["organizations_by_kind"], ("kind", "count"))
    show.show_mapping("Products by category", data["products_by_category"], ("category", "count"))
    show.show_mapping("Landmark relations by type", data["relations_by_type"], ("type", "count"))


@app.command()
def demo(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Inputs [default: the shared corpus if present, else the seed text]."),
    ] = None,
    db: DbOption = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Ingest only the first N documents.")
    ] = None,
    extractor: ExtractorOption = registry.DEFAULT_EXTRACTOR,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Extraction processes.")
    ] = DEMO_WORKERS,
) -> None:
    """Build a map in one go: sync the knowledge base, ingest the corpus, summarise the map."""
    from alliancemap.export import graph_from_store
    from alliancemap.kb import default_kb

    paths = list(paths or default_demo_inputs())
    check_inputs(paths)
    check_name("extractors", extractor)
    with opened_store(db) as store:
        store.sync_kb(default_kb())
        if paths:
            show.out.print(f"ingesting {', '.join(paths)}", markup=False, soft_wrap=True)
            extra = {"limit": limit} if limit else {}
            _run_ingest(paths, store, extractor, workers=workers, sync_kb=False, **extra)
        else:
            show.out.print("no corpus found: the map holds the knowledge base only", markup=False)
        graph = graph_from_store(store)
        per_type = store.stats()["claims_by_type"]
    top = sorted(graph.nodes.values(), key=lambda n: (-n.degree, n.name))[:10]
    show.show_mapping(
        "Top organizations by number of partners",
        {n.name: n.degree for n in top},
        ("organization", "partners"),
    )
    show.show_mapping("Claims by type", per_type, ("type", "claims"))


def default_demo_inputs() -> list[str]:
    """The shared corpus next to the repository if present, else its seed text, else nothing."""
    if DEMO_CORPUS.is_file():
        return [str(DEMO_CORPUS)]
    if DEMO_SEED.is_dir():
        return [str(p) for p in sorted(DEMO_SEED.glob("*.txt"))]
    return []


def _error(message: str, code: int) -> None:
    first = " ".join(str(message).split()) or "unknown error"
    sys.stdout.flush()
    sys.stderr.write(f"error: {first}\n")
    sys.exit(code)


def _os_message(err: OSError) -> str:
    if err.filename is not None and err.strerror:  # "Permission denied" -> "permission denied"
        return f"{err.filename}: {err.strerror[:1].lower()}{err.strerror[1:]}"
    return str(err)


import alliancemap.cli_web  # noqa: E402,F401 - registers serve
from alliancemap import cli_measures  # noqa: E402,F401 - registers rank, blocs, report, ...


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app and turn every failure into one clean line.

    Typer runs in standalone mode, so its own usage errors keep their message and exit code 2.
    """
    debug = os.environ.get("ALLIANCEMAP_DEBUG", "") not in ("", "0")
    try:
        app(args=argv, prog_name="alliancemap")
    except BrokenPipeError:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep Python quiet on exit
        sys.exit(1)
    except (AllianceMapError, ValueError, OSError) as err:
        if debug:
            raise
        _error(_os_message(err) if isinstance(err, OSError) else str(err), 1)
    except Exception as err:  # noqa: BLE001 - the last line of defence
        if debug:
            raise
        _error(
            f"internal error: {type(err).__name__}: {err} (set ALLIANCEMAP_DEBUG=1 for a traceback)",
            2,
        )


from alliancemap import cli_learn  # noqa: E402, F401, I001 - registers train
from alliancemap import cli_sources  # noqa: E402, F401 - registers the web-source commands
from alliancemap import cli_llm  # noqa: E402, F401 - registers label
