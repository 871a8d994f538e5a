"""The db service's capabilities are what the postgres image's root start-up needs, checked by the
kernel: the same operations its docker-entrypoint.sh performs as root (hand every file under
PGDATA that postgres does not own to postgres, set PGDATA to 0700, then drop to postgres as gosu
does), run under `setpriv` with the compose service's bounding set and no_new_privs. Removing any
one of the granted capabilities makes a step fail."""
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from components.app.hardening import profile
from tests.tools import require_root, require_tool

# The entrypoint's root steps, in our words (docker-library/postgres docker-entrypoint.sh).
ROOT_STEPS = r"""
set -euo pipefail
find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
chmod 00700 "$PGDATA"
exec setpriv --reuid=postgres --regid=postgres --init-groups sh -c 'id -un; ls "$PGDATA" >/dev/null'
"""


@pytest.fixture
def pgdata():
    require_root()
    require_tool("setpriv")
    try:
        postgres = pwd.getpwnam("postgres")
    except KeyError:
        from tests.tools import missing
        missing("no postgres user (postgresql-15 is not installed)")
    # Not under pytest's tmp_path: that is root's 0700, and the postgres user must reach PGDATA.
    parent = Path(tempfile.mkdtemp(prefix="odoo-ladder-pgdata-"))
    os.chmod(parent, 0o755)
    data = parent / "pgdata"
    (data / "base").mkdir(parents=True)
    for path in (data, data / "base"):
        os.chown(path, postgres.pw_uid, postgres.pw_gid)
    os.chmod(data / "base", 0o700)
    # A mode PostgreSQL refuses (it wants 0700 or 0750): the start-up must correct it. The entrypoint
    # ignores a failing chmod, but PostgreSQL would then refuse to start, hence FOWNER.
    os.chmod(data, 0o755)
    (data / "base" / "restored-by-root").write_text("x")  # root's file inside: must be handed over
    yield data
    shutil.rmtree(parent)


def start_up(pgdata, caps: tuple[str, ...]) -> subprocess.CompletedProcess:
    added = "".join(f",+{cap.lower()}" for cap in caps)
    return subprocess.run(["setpriv", f"--bounding-set=-all{added}", "--inh-caps=-all", "--ambient-caps=-all",
                           "--no-new-privs", "bash", "-c", ROOT_STEPS],
                          capture_output=True, text=True, env={"PGDATA": str(pgdata), "PATH": os.environ["PATH"]})


def test_the_db_capabilities_are_enough(pgdata):
    done = start_up(pgdata, profile("db").cap_add)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "postgres"
    assert (pgdata / "base" / "restored-by-root").stat().st_uid == pwd.getpwnam("postgres").pw_uid
    assert oct(pgdata.stat().st_mode & 0o777) == "0o700"


@pytest.mark.parametrize("missing_cap", sorted(profile("db").cap_add))
def test_each_db_capability_is_needed(pgdata, missing_cap):
    fewer = tuple(cap for cap in profile("db").cap_add if cap != missing_cap)
    done = start_up(pgdata, fewer)
    assert done.returncode != 0, f"the start-up works without {missing_cap}: drop it from the db profile"
