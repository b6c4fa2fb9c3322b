"""Beyond one process: two ingest processes sharing one PostgreSQL database, and ingest on a
real dask.distributed cluster (2 worker processes), including a worker killed mid-ingest.
Each must store exactly what a single-process ingest of the same articles stores."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from subprocess import PIPE

import pytest
from distributed import Client, LocalCluster

from alliancemap.distributed import ingest_dask
from alliancemap.ingest import read_file
from alliancemap.pipeline import ingest
from alliancemap.store import open_store
from test_pipeline import corpus_slice, needs_corpus, snapshot

pytestmark = needs_corpus

N_ARTICLES = 160


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 160 corpus articles, as a jsonl.gz file."""
    return corpus_slice(tmp_path_factory.mktemp("corpus"), N_ARTICLES)


@pytest.fixture(scope="module")
def expected(articles: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    """What a plain single-process ingest of the articles stores."""
    with open_store(tmp_path_factory.mktemp("reference") / "map.db") as store:
        ingest([articles], store, batch_size=20)
        return snapshot(store)


def _cluster() -> LocalCluster:
    return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """A local dask.distributed cluster of two single-threaded worker processes."""
    with _cluster() as c:
        yield c


@pytest.mark.postgres
def test_two_ingest_processes_on_one_postgres_database(articles: Path, expected, pg_url) -> None:
    cmd = [sys.executable, "-m", "alliancemap", "ingest", str(articles), "--db", pg_url]
    env = {**os.environ, "COLUMNS": "200"}
    runs = [
        subprocess.Popen([*cmd, "--batch-size", size], stdout=PIPE, stderr=PIPE, text=True, env=env)
        for size in ("10", "7")
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    new = [int(re.search(r"new documents\D*(\d+)", out).group(1)) for out, _ in outputs]
    assert sum(new) == N_ARTICLES  # each document was stored by exactly one of them
    with open_store(pg_url) as store:
        assert snapshot(store) == expected


@pytest.mark.dask
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_dask_ingest_stores_what_a_single_process_stores(
    articles: Path, expected, cluster: LocalCluster, backend: str, tmp_path: Path, request
) -> None:
    url = str(tmp_path / "map.db") if backend == "sqlite" else request.getfixturevalue("pg_url")
    progress: list[tuple[int, int | None]] = []
    first = ingest_dask(
        [articles],
        url,
        scheduler=cluster.scheduler_address,
        partition_size=20,
        batch_size=8,
        on_progress=lambda done, total: progress.append((done, total)),
    )
    assert (first.documents_read, first.new_documents, first.skipped_documents) == (160, 160, 0)
    assert not first.interrupted and first.files == 1
    assert progress[0] == (0, None) and progress[-1] == (160, None)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    with open_store(url) as store:
        assert snapshot(store) == expected
        assert first.claims_added == len(expected[0]) - store.stats()["kb_claims"]
    again = ingest_dask([articles], url, scheduler=cluster.scheduler_address, partition_size=20)
    assert (again.new_documents, again.skipped_documents, again.claims_added) == (0, 160, 0)


@pytest.mark.dask
@pytest.mark.postgres
def test_the_cli_ingests_on_a_dask_scheduler(articles: Path, expected, cluster, pg_url) -> None:
    cmd = [sys.executable, "-m", "alliancemap", "ingest", str(articles), "--db", pg_url]
    done = subprocess.run(
        [*cmd, "--engine", "dask", "--scheduler", cluster.scheduler_address],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    with open_store(pg_url) as store:
        assert snapshot(store) == expected
    for wrong, message in (
        (["--scheduler", cluster.scheduler_address], "--scheduler needs --engine dask"),
        (["--engine", "spark"], "unknown engine 'spark' (known: local, dask)"),
    ):
        bad = subprocess.run([*cmd, *wrong], capture_output=True, text=True, timeout=60)
        assert (bad.returncode, bad.stderr.strip()) == (1, f"error: {message}")


def _partially_stored(spy: Client, store, hashes: list[str], size: int) -> str | None:
    """The worker running a partition of which some, but not all, documents are stored.

    Partition keys end with the read offset just past their last document.
    """
    for addr, keys in spy.processing().items():
        for key in keys:
            end = int(str(key).rsplit("-", 1)[1])
            stored = len(store.known_hashes(hashes[end - size : end]))
            if 0 < stored < size:
                return addr
    return None


@pytest.mark.dask
@pytest.mark.postgres
def test_a_worker_killed_mid_partition_loses_nothing(articles: Path, expected, pg_url) -> None:
    hashes = [doc.hash for doc in read_file(articles)]
    killed: list[int] = []
    with _cluster() as cluster, Client(cluster) as spy, open_store(pg_url) as watcher:

        def kill_a_worker_mid_partition(done: int, total: int | None) -> None:
            if killed or done == 0:
                return
            deadline = time.monotonic() + 10
            while (victim := _partially_stored(spy, watcher, hashes, 40)) is None:
                assert time.monotonic() < deadline, "no partition was ever half stored"
                time.sleep(0.005)
            pid = spy.run(os.getpid, workers=[victim])[victim]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

        summary = ingest_dask(
            [articles],
            pg_url,
            scheduler=cluster.scheduler_address,
            partition_size=40,
            batch_size=5,
            on_progress=kill_a_worker_mid_partition,
        )
        assert killed
        spy.wait_for_workers(2, timeout=60)  # the nanny restarts the killed worker
    assert summary.documents_read == 160 and not summary.interrupted
    # The redone partition skips the batches its first run committed before dying.
    assert summary.skipped_documents > 0
    assert summary.new_documents + summary.skipped_documents == 160
    with open_store(pg_url) as store:
        assert snapshot(store) == expected
