"""The entrypoint writes a private tmpfs odoo.conf from the store and hands Odoo only its path."""
import os
import pwd
import shutil
import sys

import pytest

from tests.secrets.conftest import (ADMIN_PASSWD, BASE_CONFIG, DB_PASSWORD, EXEC_PROBE,
                                    distro_python, entrypoint_env, probe_report,
                                    run_entrypoint)
from tests.tools import missing, require_root


def assert_no_secret_outside_file(report: dict, stderr: str, *secrets: str) -> None:
    for secret in secrets:
        assert not any(secret in arg for arg in report["argv"]), "secret in argv"
        assert not any(secret in value for value in report["env"].values()), "secret in env"
        assert secret not in stderr, "secret in the log"


def test_config_has_secrets_and_base_options_and_is_private(store, base_config, tmpfs_dir):
    store.put_defaults()
    out = tmpfs_dir / "odoo.conf"
    result = run_entrypoint(["odoo", "--workers=2"], entrypoint_env(store, base_config, out))
    report = probe_report(result)

    assert report["odoo_rc"] == str(out)
    options = report["options"]
    assert options["db_password"] == DB_PASSWORD
    assert options["admin_passwd"] == ADMIN_PASSWD
    for line in BASE_CONFIG.splitlines()[1:]:
        key, _, value = line.partition(" = ")
        assert options[key] == value, f"base option {key} lost"
    assert report["mode"] == 0o400
    assert report["uid"] == os.geteuid()
    # The official entrypoint would append --db_password; the probe must see only our args.
    assert report["argv"] == [str(EXEC_PROBE), "--workers=2"]
    assert_no_secret_outside_file(report, result.stderr, DB_PASSWORD, ADMIN_PASSWD)
    assert [p.name for p in tmpfs_dir.iterdir()] == ["odoo.conf"], "temporary file left behind"


def test_rotation_is_a_new_value_and_a_restart(store, base_config, tmpfs_dir):
    store.put_defaults()
    out = tmpfs_dir / "odoo.conf"
    env = entrypoint_env(store, base_config, out)
    assert probe_report(run_entrypoint([], env))["options"]["admin_passwd"] == ADMIN_PASSWD

    store.put("admin_passwd", "rotated-Master-Key-7")
    store.put("db_password", "rotated-db-Pass-8")
    report = probe_report(run_entrypoint([], env))  # the restart

    assert report["options"]["admin_passwd"] == "rotated-Master-Key-7"
    assert report["options"]["db_password"] == "rotated-db-Pass-8"
    assert ADMIN_PASSWD not in report["config_text"]
    assert report["mode"] == 0o400


@pytest.mark.parametrize("args, expected_tail", [
    ([], []),
    (["odoo"], []),
    (["odoo", "shell", "-d", "prod"], ["shell", "-d", "prod"]),
    (["--", "--dev=all"], ["--dev=all"]),
    (["-u", "sale", "--stop-after-init"], ["-u", "sale", "--stop-after-init"]),
])
def test_odoo_commands_run_the_exec_target_with_the_given_args(
        ssm_store, base_config, tmpfs_dir, args, expected_tail):
    ssm_store.put_defaults()
    env = entrypoint_env(ssm_store, base_config, tmpfs_dir / "odoo.conf")
    report = probe_report(run_entrypoint(args, env))
    assert report["argv"] == [str(EXEC_PROBE), *expected_tail]


def test_another_command_runs_as_given_with_the_config(ssm_store, base_config, tmpfs_dir):
    ssm_store.put_defaults()
    env = entrypoint_env(ssm_store, base_config, tmpfs_dir / "odoo.conf")
    report = probe_report(run_entrypoint([sys.executable, str(EXEC_PROBE), "extra"], env))
    assert report["argv"] == [str(EXEC_PROBE), "extra"]
    assert report["options"]["db_password"] == DB_PASSWORD


def test_shipped_exec_target_is_odoo_itself(ssm_store, base_config, tmpfs_dir):
    """Without the test override it execs /usr/bin/odoo (absent here), not /entrypoint.sh."""
    ssm_store.put_defaults()
    env = entrypoint_env(ssm_store, base_config, tmpfs_dir / "odoo.conf")
    del env["ODOO_LADDER_EXEC"]
    if os.path.exists("/usr/bin/odoo"):
        missing("/usr/bin/odoo exists on this machine; this test needs it absent")
    result = run_entrypoint(["odoo"], env)
    assert result.returncode != 0
    assert "cannot start /usr/bin/odoo" in result.stderr


def test_file_is_owned_by_the_unprivileged_user_it_runs_as(store, base_config, tmpfs_dir):
    """As in the image (USER odoo, distro python): `nobody` writes into a tmpfs dir it owns."""
    require_root()
    python = distro_python()
    nobody = pwd.getpwnam("nobody")
    store.put_defaults()
    shutil.copy(base_config, tmpfs_dir / "base.conf")
    os.chmod(tmpfs_dir / "base.conf", 0o644)
    os.chown(tmpfs_dir, nobody.pw_uid, nobody.pw_gid)
    env = entrypoint_env(store, tmpfs_dir / "base.conf", tmpfs_dir / "odoo.conf")
    report = probe_report(run_entrypoint([], env, python=python, user="nobody"))
    assert report["uid"] == nobody.pw_uid
    assert report["mode"] == 0o400
    assert report["options"]["db_password"] == DB_PASSWORD


def test_works_with_the_distribution_boto3(store, base_config, tmpfs_dir):
    """The image uses the distro's python3-boto3 (older than the venv's): same result."""
    python = distro_python()
    store.put_defaults()
    env = entrypoint_env(store, base_config, tmpfs_dir / "odoo.conf")
    report = probe_report(run_entrypoint(["odoo"], env, python=python))
    assert report["options"]["db_password"] == DB_PASSWORD
    assert report["options"]["admin_passwd"] == ADMIN_PASSWD


def test_extra_secret_files_are_written_beside_the_config(store, base_config, tmpfs_dir):
    store.put_defaults()
    store.put("admin_password", "login-Pass-For-Admin-5")
    env = {**entrypoint_env(store, base_config, tmpfs_dir / "odoo.conf"), "ODOO_LADDER_SECRET_FILES": "admin_password"}
    result = run_entrypoint([], env)
    report = probe_report(result)
    written = tmpfs_dir / "admin_password"
    assert written.read_text() == "login-Pass-For-Admin-5"
    assert oct(written.stat().st_mode & 0o777) == oct(0o400)
    assert "admin_password" not in report["options"]
    assert_no_secret_outside_file(report, result.stderr, "login-Pass-For-Admin-5")


def test_a_missing_extra_secret_fails_closed(store, base_config, tmpfs_dir):
    store.put("db_password", DB_PASSWORD)
    store.put("admin_passwd", ADMIN_PASSWD)
    env = {**entrypoint_env(store, base_config, tmpfs_dir / "odoo.conf"), "ODOO_LADDER_SECRET_FILES": "admin_password"}
    result = run_entrypoint([], env)
    assert result.returncode != 0
    assert "admin_password" in result.stderr
    assert not (tmpfs_dir / "odoo.conf").exists()
