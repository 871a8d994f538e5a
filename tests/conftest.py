"""Fixtures shared across suites."""
import pytest

from tests.peers import PgCluster, require_postgres, start_moto, stop


@pytest.fixture(scope="session")
def pg():
    """One throwaway PostgreSQL 15 cluster on 127.0.0.1 for the session (role `odoo` included)."""
    require_postgres()
    cluster = PgCluster()
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="module")
def moto_endpoint():
    """moto_server on 127.0.0.1 for one test module (a fresh account per module); its endpoint URL."""
    proc, endpoint = start_moto()
    yield endpoint
    stop(proc)
