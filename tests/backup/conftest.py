"""Fixtures for the backup tests: the real peers (see peers.py) and a fresh versioned bucket per test."""
import shutil
import tempfile
import uuid

import boto3
import pytest

from tests.peers import MotoServer, PgCluster, require_postgres


@pytest.fixture
def own_pg():
    """A cluster of the test's own, for tests that stop it."""
    require_postgres()
    cluster = PgCluster()
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="session")
def moto():
    """moto_server on 127.0.0.1 at a free port; yields its endpoint URL."""
    server = MotoServer()
    yield server.endpoint
    server.stop()


@pytest.fixture
def s3(moto):
    return boto3.client("s3", endpoint_url=moto, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.fixture
def bucket(s3):
    """A fresh versioned bucket per test, as the Pulumi component makes it."""
    name = f"odoo-backup-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


@pytest.fixture
def data_dir():
    path = tempfile.mkdtemp(prefix="odoo-data-")
    yield path
    shutil.rmtree(path, ignore_errors=True)
