"""Shared fixtures: a store URL per backend, SQLite (a file) and PostgreSQL (a real server).

PostgreSQL comes from $ALLIANCEMAP_TEST_PG (a server URL whose user may create databases),
else from a throwaway server started for the session when the server binaries are installed
(Debian: apt-get install postgresql). Without either, PostgreSQL tests skip, unless
$ALLIANCEMAP_REQUIRE_PG is set (CI sets it), when they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from alliancemap import pgtemp

PG_ENV = "ALLIANCEMAP_TEST_PG"
REQUIRE_PG_ENV = "ALLIANCEMAP_REQUIRE_PG"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """URL of the PostgreSQL server the tests create their databases on."""
    given = os.environ.get(PG_ENV)
    if given:
        yield given
        return
    if pgtemp.find_bindir() is None:
        reason = (
            f"PostgreSQL not available: set {PG_ENV} to a server URL, "
            "or install the server (apt-get install postgresql)"
        )
        if os.environ.get(REQUIRE_PG_ENV):
            pytest.fail(reason)
        pytest.skip(reason)
    server = pgtemp.start()
    try:
        yield server.url()
    finally:
        pgtemp.stop(server)


@pytest.fixture(scope="module")
def new_pg_database(pg_server_url: str) -> Iterator[Callable[[], str]]:
    """A factory of new empty PostgreSQL databases, dropped at the end of the module."""
    made: list[str] = []

    def create() -> str:
        made.append(pgtemp.create_database(pg_server_url))
        return made[-1]

    yield create
    for url in made:
        pgtemp.drop_database(pg_server_url, url)


@pytest.fixture
def pg_url(new_pg_database: Callable[[], str]) -> str:
    """A new empty PostgreSQL database for one test."""
    return new_pg_database()


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new empty store lives: a SQLite file path, then a PostgreSQL database URL."""
    if request.param == "sqlite":
        return str(tmp_path / "map.db")
    return request.getfixturevalue("pg_url")
