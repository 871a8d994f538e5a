"""--write-config: the one writer of odoo.conf that the host (EC2) and a one-shot container (local) run.

The file it writes must be exactly what the Step 7 entrypoint writes for itself: same function.
"""
import os
import stat
import subprocess
import sys

import pytest

from tests.secrets.aws_deny_stub import DenyingEndpoint
from tests.secrets.conftest import (ADMIN_PASSWD, ADMIN_PASSWORD, DB_PASSWORD, ENTRYPOINT, distro_python,
                                    entrypoint_env, probe_report, run_entrypoint)
from tests.tools import require_root, require_tool

ODOO_18 = (100, 101)  # the official 18.0/19.0 image's odoo user
FATAL = "odoo-ladder-entrypoint: FATAL: "
ENV_VALUES = {"ODOO_LADDER_DB_PASSWORD": DB_PASSWORD, "ODOO_LADDER_ADMIN_PASSWD": ADMIN_PASSWD,
              "ODOO_LADDER_ADMIN_PASSWORD": ADMIN_PASSWORD}


def written(path):
    info = os.stat(path)
    return path.read_text(), stat.S_IMODE(info.st_mode), (info.st_uid, info.st_gid)


def write_config(env, directory, *extra, owner="100:101", **kwargs):
    return run_entrypoint(["--write-config", str(directory), "--owner", owner, *extra], env, **kwargs)


def one_fatal_line(result) -> str:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(FATAL), result.stderr
    return lines[0]


def test_host_writer_writes_what_the_step7_entrypoint_writes_read_only_for_odoo(store, base_config, tmpfs_dir):
    require_root()  # giving the files to the odoo uid needs root, as on the host
    store.put_defaults()
    env = entrypoint_env(store, base_config, tmpfs_dir / "step7" / "odoo.conf")
    step7 = probe_report(run_entrypoint(["odoo"], env))["config_text"]
    host_dir = tmpfs_dir / "project"
    result = write_config(env, host_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "", "an exec target ran in writer mode"

    assert written(host_dir / "odoo.conf") == (step7, 0o400, ODOO_18)
    assert written(host_dir / "admin_password") == (ADMIN_PASSWORD, 0o400, ODOO_18)
    info = host_dir.stat()
    assert (stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid) == (0o700, *ODOO_18)
    assert sorted(p.name for p in host_dir.iterdir()) == ["admin_password", "odoo.conf"]
    for secret in (DB_PASSWORD, ADMIN_PASSWD, ADMIN_PASSWORD):
        assert secret not in result.stderr


def test_rerun_after_rotation_replaces_the_read_only_files(store, base_config, tmpfs_dir):
    require_root()
    store.put_defaults()
    env = entrypoint_env(store, base_config, tmpfs_dir / "unused.conf")
    assert write_config(env, tmpfs_dir / "p", owner="101:101").returncode == 0
    store.put("db_password", "rotated-db-Pass-9")
    store.put("admin_password", "rotated-Login-Pass-10")
    assert write_config(env, tmpfs_dir / "p", owner="101:101").returncode == 0
    assert "db_password = rotated-db-Pass-9" in (tmpfs_dir / "p" / "odoo.conf").read_text()
    assert written(tmpfs_dir / "p" / "admin_password") == ("rotated-Login-Pass-10", 0o400, (101, 101))


def test_local_writer_takes_the_values_from_its_environment_into_a_volume_on_disk(base_config, disk_dir):
    require_root()
    env = {**entrypoint_env(SimpleStore, base_config, disk_dir / "unused.conf"),
           "ODOO_LADDER_SECRET_STORE": "env", **ENV_VALUES}
    refused = write_config(env, disk_dir / "volume")
    assert "not tmpfs" in one_fatal_line(refused)
    result = write_config(env, disk_dir / "volume", "--allow-disk")
    assert result.returncode == 0, result.stderr
    conf, mode, owner = written(disk_dir / "volume" / "odoo.conf")
    assert (mode, owner) == (0o400, ODOO_18)
    assert f"db_password = {DB_PASSWORD}" in conf and f"admin_passwd = {ADMIN_PASSWD}" in conf
    assert written(disk_dir / "volume" / "admin_password") == (ADMIN_PASSWORD, 0o400, ODOO_18)


class SimpleStore:
    """No store at all: the env source needs no endpoint, path or region."""
    kind, endpoint, path = "env", "http://127.0.0.1:9", ""


def test_unprivileged_writer_cannot_hand_the_files_to_odoo(store, base_config, tmpfs_dir):
    require_root()
    python = distro_python()
    store.put_defaults()
    os.chmod(tmpfs_dir, 0o777)
    base = tmpfs_dir / "base.conf"
    base.write_text(base_config.read_text())
    base.chmod(0o644)
    env = entrypoint_env(store, base, tmpfs_dir / "unused.conf")
    line = one_fatal_line(write_config(env, tmpfs_dir / "p", python=python, user="nobody"))
    assert "run the writer as root" in line
    assert list((tmpfs_dir / "p").iterdir()) == [], "a file or temporary file was left behind"


@pytest.mark.parametrize("kind", ["String", "StringList"])
def test_a_parameter_that_is_not_a_securestring_is_refused(ssm_store, base_config, tmpfs_dir, kind):
    ssm_store.put_defaults()
    name = f"{ssm_store.path}/db_password"
    ssm_store.client.put_parameter(Name=name, Value=DB_PASSWORD, Type=kind, Overwrite=True)
    env = entrypoint_env(ssm_store, base_config, tmpfs_dir / "unused.conf")
    line = one_fatal_line(write_config(env, tmpfs_dir / "p", owner="0:0"))
    assert f"SSM parameter {name} is a {kind}, not a SecureString" in line
    assert DB_PASSWORD not in line
    assert not (tmpfs_dir / "p").exists() or list((tmpfs_dir / "p").iterdir()) == []


@pytest.mark.parametrize("value, phrase", [
    ("Short-Pass-15ch", "is shorter than 16 characters"),
    ("bell\x07-in-a-long-password", "contains a control character"),
    ("\x1b[31mcoloured-password-long", "contains a control character"),
    ("delete\x7f-in-a-long-password", "contains a control character"),
])
def test_weak_or_unprintable_values_are_refused_naming_the_parameter(store, base_config, tmpfs_dir, value, phrase):
    store.put_defaults()
    store.put("admin_passwd", value)
    env = entrypoint_env(store, base_config, tmpfs_dir / "odoo.conf")
    for args in (["--write-config", str(tmpfs_dir / "p"), "--owner", "0:0"], ["odoo"]):
        line = one_fatal_line(run_entrypoint(args, env))
        assert f"{store.path}/admin_passwd {phrase}" in line
        assert value not in line
    assert not (tmpfs_dir / "odoo.conf").exists()


def test_env_values_are_checked_too_and_named_by_their_variable(base_config, disk_dir):
    env = {**entrypoint_env(SimpleStore, base_config, disk_dir / "unused.conf"),
           "ODOO_LADDER_SECRET_STORE": "env", **ENV_VALUES, "ODOO_LADDER_ADMIN_PASSWORD": "tooShort"}
    line = one_fatal_line(write_config(env, disk_dir / "volume", "--allow-disk", owner="0:0"))
    assert "ODOO_LADDER_ADMIN_PASSWORD is shorter than 16 characters" in line


def test_the_env_source_is_refused_outside_the_writer(base_config, tmpfs_dir):
    """A container that reads its own environment would hold the secrets in it."""
    env = {**entrypoint_env(SimpleStore, base_config, tmpfs_dir / "odoo.conf"),
           "ODOO_LADDER_SECRET_STORE": "env", **ENV_VALUES}
    assert "is not one of ssm, secretsmanager" in one_fatal_line(run_entrypoint(["odoo"], env))


def test_bad_owner_is_refused(ssm_store, base_config, tmpfs_dir):
    ssm_store.put_defaults()
    env = entrypoint_env(ssm_store, base_config, tmpfs_dir / "unused.conf")
    assert "is not UID:GID" in one_fatal_line(write_config(env, tmpfs_dir / "p", owner="odoo"))


def test_versions_change_with_a_rotation_and_show_no_value(store, base_config, tmpfs_dir):
    store.put_defaults()
    env = entrypoint_env(store, base_config, tmpfs_dir / "unused.conf")
    first = run_entrypoint(["--versions"], env)
    assert first.returncode == 0, first.stderr
    assert [part.split("=")[0] for part in first.stdout.split()] == ["db_password", "admin_passwd",
                                                                     "admin_password"]
    assert run_entrypoint(["--versions"], env).stdout == first.stdout
    store.put("admin_password", "rotated-Login-Pass-11")
    second = run_entrypoint(["--versions"], env).stdout
    assert second != first.stdout and second.split()[:2] == first.stdout.split()[:2]
    for secret in (DB_PASSWORD, ADMIN_PASSWD, ADMIN_PASSWORD, "rotated-Login-Pass-11"):
        assert secret not in first.stdout + second


def test_a_parameter_deleted_and_created_again_is_a_new_version(ssm_store, base_config, tmpfs_dir):
    """A key change replaces the parameters (delete, then create): each starts again at version 1,
    and Odoo must still restart on the new passwords."""
    import time
    ssm_store.put_defaults()
    env = entrypoint_env(ssm_store, base_config, tmpfs_dir / "unused.conf")
    first = run_entrypoint(["--versions"], env).stdout
    time.sleep(1.1)  # LastModifiedDate has a resolution of a second or better
    ssm_store.client.delete_parameter(Name=f"{ssm_store.path}/db_password")
    ssm_store.put("db_password", "replaced-Db-Password-22")
    second = run_entrypoint(["--versions"], env).stdout
    assert first.split()[0].split("@")[0] == second.split()[0].split("@")[0] == "db_password=1"
    assert first.split()[0] != second.split()[0]


@pytest.mark.parametrize("kind, action", [("secretsmanager", "secretsmanager:DescribeSecret"),
                                          ("ssm", "ssm:GetParameter")])
def test_versions_ask_only_for_metadata(kind, action, base_config, tmpfs_dir):
    """The stand-in endpoint names the action it was asked for: DescribeSecret, not GetSecretValue."""
    store = type("Store", (), {"kind": kind, "path": "/odoo-ladder/t"})
    with DenyingEndpoint() as endpoint:
        store.endpoint = endpoint
        line = one_fatal_line(run_entrypoint(["--versions"], entrypoint_env(store, base_config,
                                                                            tmpfs_dir / "x")))
    assert f"not authorized to perform: {action} " in line
    assert "GetSecretValue" not in line


def test_the_local_writer_needs_only_the_capabilities_its_container_gets(base_config, tmp_path):
    """As in the delivered secrets-writer service (cap_drop ALL, its cap_add only): write twice
    (the second time into the folder the odoo uid already owns), then print the role SQL."""
    require_root()
    setpriv = require_tool("setpriv")
    import yaml
    from components.delivery.bundle import render_bundle
    from configs.load import from_mapping
    from tests.stacks import local
    # The delivered compose file, hardened as it ships.
    compose = yaml.safe_load(render_bundle(from_mapping("t", local()))["docker-compose.yml"])
    writer = compose["services"]["secrets-writer"]
    caps = ",".join(f"+{cap.lower()}" for cap in writer["cap_add"])
    assert writer["cap_drop"] == ["ALL"]
    env = {**entrypoint_env(SimpleStore, base_config, tmp_path / "unused.conf"),
           "ODOO_LADDER_SECRET_STORE": "env", **ENV_VALUES}
    limited = [setpriv, "--bounding-set", f"-all,{caps}", "--inh-caps", "-all", "--", sys.executable, "-I", str(ENTRYPOINT)]
    for _ in range(2):
        result = subprocess.run([*limited, "--write-config", str(tmp_path / "volume"), "--owner", "100:101",
                                 "--allow-disk"], env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    assert written(tmp_path / "volume" / "odoo.conf")[1:] == (0o400, ODOO_18)
    sql = subprocess.run([*limited, "--role-sql", str(tmp_path / "volume" / "odoo.conf")], env=env,
                         capture_output=True, text=True)
    assert sql.returncode == 0 and "ALTER ROLE" in sql.stdout, sql.stderr
    without = subprocess.run([setpriv, "--bounding-set", "-all,+chown", "--inh-caps", "-all", "--", sys.executable, "-I",
                              str(ENTRYPOINT), "--role-sql", str(tmp_path / "volume" / "odoo.conf")],
                             env=env, capture_output=True, text=True)
    assert without.returncode != 0, "the check can fail: without DAC_OVERRIDE root cannot read the file"
