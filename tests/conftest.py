"""Fixtures shared across suites."""
import pytest

from tests.peers import PgCluster, require_postgres


@pytest.fixture(scope="session")
def pg():
    """One throwaway PostgreSQL 15 cluster on 127.0.0.1 for the session (role `odoo` included)."""
    require_postgres()
    cluster = PgCluster()
    yield cluster
    cluster.destroy()
