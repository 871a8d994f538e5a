"""Fixtures for the secrets tests: moto_server on loopback, tmpfs dirs, running the entrypoint.

The entrypoint under test is the file the image ships (image/odoo_ladder_entrypoint.py), run as
a subprocess exactly as the image's ENTRYPOINT runs it (`python3 -I <file> <args>`); only the exec
target is swapped, through ODOO_LADDER_EXEC, for tests/secrets/exec_probe.py, a stand-in for Odoo.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.peers import free_port, start_moto, stop  # noqa: F401 (fixtures below and other modules use them)
from tests.tools import missing, require_tool

REPO = Path(__file__).resolve().parents[2]
ENTRYPOINT = REPO / "image" / "odoo_ladder_entrypoint.py"
EXEC_PROBE = Path(__file__).with_name("exec_probe.py")
REGION = "eu-south-1"
SECRET_PATH = "/odoo-ladder/test"
DB_PASSWORD = "db-Pa55 w%rd;#with=odd chars"
ADMIN_PASSWD = "admin-Master$Key-42"
ADMIN_PASSWORD = "admin-Login:Pass\\word-7"
BASE_CONFIG = """[options]
db_host = db
db_port = 5432
db_user = odoo
db_name = odoo
proxy_mode = True
list_db = False
data_dir = /var/lib/odoo
"""


def aws_env(endpoint: str) -> dict:
    """A clean environment: fake keys, fast failures, nothing from the host's ~/.aws or IMDS."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "HOME")}
    return {**keep,
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": REGION, "AWS_ENDPOINT_URL": endpoint,
            "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_MAX_ATTEMPTS": "1", "ODOO_LADDER_AWS_TIMEOUT": "2"}


def boto_client(service: str, endpoint: str):
    import boto3
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


class SecretStore:
    """Puts values where the entrypoint looks for them, in SSM or Secrets Manager."""

    def __init__(self, kind: str, endpoint: str, path: str):
        self.kind, self.endpoint, self.path = kind, endpoint, path
        self.client = boto_client(kind, endpoint)

    def put(self, key: str, value: str) -> None:
        name = f"{self.path}/{key}"
        if self.kind == "ssm":
            self.client.put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)
            return
        try:
            self.client.put_secret_value(SecretId=name, SecretString=value)
        except self.client.exceptions.ResourceNotFoundException:
            self.client.create_secret(Name=name, SecretString=value)

    def put_defaults(self) -> None:
        self.put("db_password", DB_PASSWORD)
        self.put("admin_passwd", ADMIN_PASSWD)
        self.put("admin_password", ADMIN_PASSWORD)


_counter = iter(range(1_000_000))


@pytest.fixture(params=["ssm", "secretsmanager"])
def store(request, moto_endpoint) -> SecretStore:
    """An empty store of each kind, under a path no other test uses."""
    return SecretStore(request.param, moto_endpoint, f"{SECRET_PATH}-{next(_counter)}")


@pytest.fixture
def ssm_store(moto_endpoint) -> SecretStore:
    """One store only, for behaviour that does not depend on which store holds the secrets."""
    return SecretStore("ssm", moto_endpoint, f"{SECRET_PATH}-{next(_counter)}")


@pytest.fixture
def tmpfs_dir():
    """A private directory on a tmpfs (/dev/shm), as /run/odoo is in the container."""
    if not Path("/dev/shm").is_dir():
        missing("/dev/shm (tmpfs) is not available")
    path = Path(tempfile.mkdtemp(prefix="odoo-ladder-secrets-", dir="/dev/shm"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def disk_dir():
    """A directory on a disk filesystem (not tmpfs), where no secret may be written."""
    parent = "/var/tmp"
    fstype = subprocess.run(["findmnt", "-no", "FSTYPE", "-T", parent],
                            capture_output=True, text=True).stdout.strip()
    if fstype in ("", "tmpfs", "ramfs"):
        missing(f"{parent} is not on a disk filesystem here ({fstype or 'unknown'})")
    path = Path(tempfile.mkdtemp(prefix="odoo-ladder-disk-", dir=parent))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def base_config(tmp_path) -> Path:
    path = tmp_path / "base-odoo.conf"
    path.write_text(BASE_CONFIG)
    return path


def entrypoint_env(store: SecretStore, base_config: Path, out: Path, **extra) -> dict:
    return {**aws_env(store.endpoint),
            "ODOO_LADDER_SECRET_STORE": store.kind, "ODOO_LADDER_SECRET_PATH": store.path,
            "ODOO_LADDER_BASE_CONFIG": str(base_config), "ODOO_LADDER_CONFIG_OUT": str(out),
            "ODOO_LADDER_EXEC": str(EXEC_PROBE), **extra}


def run_entrypoint(args, env: dict, python: str | None = None, user: str | None = None,
                   timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the shipped entrypoint like the image does: `python3 -I <file> args...`."""
    command = [python or sys.executable, "-I", str(ENTRYPOINT), *args]
    if user is not None:
        command = [require_tool("runuser"), "-u", user, "--", *command]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)


def distro_python() -> str:
    """/usr/bin/python3 with the distribution's python3-boto3, as in the image; skip without."""
    python = "/usr/bin/python3"
    check = subprocess.run([python, "-c", "import boto3"], capture_output=True)
    if check.returncode != 0:
        missing("Debian package python3-boto3 is not installed for /usr/bin/python3")
    return python


def probe_report(result: subprocess.CompletedProcess) -> dict:
    """What the stand-in for Odoo saw, or a failure showing the entrypoint's stderr."""
    assert result.returncode == 0, f"entrypoint failed: {result.stderr}"
    return json.loads(result.stdout)
