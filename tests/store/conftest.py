"""A throwaway PostgreSQL cluster for the team-mode tests (started once per test session).

Tests that take ``pg_url`` get a fresh, empty database on it. Where no server programs are
installed the tests skip, saying so; ``.ci/run`` installs Debian's postgresql so that CI runs them.
"""

from __future__ import annotations

import itertools
from typing import Iterator

import pytest

_names = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[object]:
    """The running cluster (superuser ``mio_admin``, trust authentication on loopback)."""
    from mio_qual.store.pgcluster import TempCluster, find_binaries

    if find_binaries() is None:
        pytest.skip("no PostgreSQL server programs (initdb, pg_ctl, postgres) on this machine: install "
                    "Debian's postgresql (.ci/run does) or set MIO_QUAL_PG_BIN to run the team-mode tests")
    pytest.importorskip("psycopg", reason="team mode needs psycopg (a dependency of mio-qual)")
    cluster = TempCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture()
def pg_url(pg_cluster) -> str:  # type: ignore[no-untyped-def]
    """The superuser URL of a new, empty database (the project lead's connection)."""
    return pg_cluster.create_database(f"project_{next(_names)}")
