"""The two clusters of the migration tests: the RDS-like target, fresh for each test."""
import pytest

from tests.database.rds_like import RdsLikeCluster


@pytest.fixture
def target(source):
    """Plays RDS (TLS verify-full, a master that is not a superuser); after `source`, which checks the tools."""
    cluster = RdsLikeCluster()
    try:
        yield cluster
    finally:
        cluster.destroy()
