"""--write-secret-files: the one-shot init container that feeds POSTGRES_PASSWORD_FILE."""
import os
import stat

import pytest

from tests.secrets.conftest import (ADMIN_PASSWD, DB_PASSWORD, distro_python, entrypoint_env,
                                    run_entrypoint)
from tests.tools import require_root

POSTGRES_UID_GID = (999, 999)  # the postgres image (Debian variant)


def written(path):
    info = os.stat(path)
    return path.read_text(), stat.S_IMODE(info.st_mode), (info.st_uid, info.st_gid)


def test_writes_only_the_db_password_read_only_for_postgres(store, base_config, tmpfs_dir):
    require_root()  # giving the file to 999:999 needs root, as in the init container
    store.put_defaults()
    env = entrypoint_env(store, base_config, tmpfs_dir / "unused.conf")
    result = run_entrypoint(["--write-secret-files", str(tmpfs_dir)], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "", "an exec target ran in init mode"

    # The postgres image reads the file with "$(< file)": no trailing newline to strip.
    assert written(tmpfs_dir / "db_password") == (DB_PASSWORD, 0o400, POSTGRES_UID_GID)
    assert sorted(p.name for p in tmpfs_dir.iterdir()) == ["db_password"]
    assert DB_PASSWORD not in result.stderr and ADMIN_PASSWD not in result.stderr


def test_owner_from_option_or_environment(ssm_store, base_config, tmpfs_dir):
    require_root()
    ssm_store.put_defaults()
    env = entrypoint_env(ssm_store, base_config, tmpfs_dir / "unused.conf")
    result = run_entrypoint(["--write-secret-files", str(tmpfs_dir), "--owner", "70:70"], env)
    assert result.returncode == 0, result.stderr
    assert written(tmpfs_dir / "db_password")[2] == (70, 70)  # postgres:alpine

    env["ODOO_LADDER_SECRET_FILE_OWNER"] = "1234:4321"
    result = run_entrypoint([f"--write-secret-files={tmpfs_dir}"], env)
    assert result.returncode == 0, result.stderr
    assert written(tmpfs_dir / "db_password")[2] == (1234, 4321)


def test_rerun_after_rotation_replaces_the_read_only_file(store, base_config, tmpfs_dir):
    require_root()
    store.put_defaults()
    env = entrypoint_env(store, base_config, tmpfs_dir / "unused.conf")
    assert run_entrypoint(["--write-secret-files", str(tmpfs_dir)], env).returncode == 0
    store.put("db_password", "rotated-db-Pass-9")
    result = run_entrypoint(["--write-secret-files", str(tmpfs_dir)], env)
    assert result.returncode == 0, result.stderr
    assert written(tmpfs_dir / "db_password") == ("rotated-db-Pass-9", 0o400, POSTGRES_UID_GID)


def test_unprivileged_run_cannot_hand_the_file_to_postgres(store, base_config, tmpfs_dir):
    require_root()
    python = distro_python()
    store.put_defaults()
    os.chmod(tmpfs_dir, 0o777)
    env = entrypoint_env(store, base_config, tmpfs_dir / "unused.conf")
    result = run_entrypoint(["--write-secret-files", str(tmpfs_dir)], env, python=python,
                            user="nobody")
    assert result.returncode != 0
    assert "run this init container as root" in result.stderr
    assert list(tmpfs_dir.iterdir()) == [], "a file or temporary file was left behind"


@pytest.mark.parametrize("setup, phrase", [
    ("missing", "does not exist"),
    ("empty", "is empty"),
])
def test_fails_closed_without_a_usable_password(store, base_config, tmpfs_dir, setup, phrase):
    if setup == "empty":
        store.put("db_password", " ")
    env = entrypoint_env(store, base_config, tmpfs_dir / "unused.conf")
    result = run_entrypoint(["--write-secret-files", str(tmpfs_dir), "--owner", "0:0"], env)
    assert result.returncode != 0
    assert f"{store.path}/db_password {phrase}" in result.stderr
    assert list(tmpfs_dir.iterdir()) == []


def test_refuses_a_directory_on_disk(ssm_store, base_config, disk_dir):
    ssm_store.put_defaults()
    env = entrypoint_env(ssm_store, base_config, disk_dir / "unused.conf")
    result = run_entrypoint(["--write-secret-files", str(disk_dir), "--owner", "0:0"], env)
    assert result.returncode != 0
    assert "not tmpfs" in result.stderr
    assert list(disk_dir.iterdir()) == []


def test_bad_owner_is_refused(ssm_store, base_config, tmpfs_dir):
    ssm_store.put_defaults()
    env = entrypoint_env(ssm_store, base_config, tmpfs_dir / "unused.conf")
    result = run_entrypoint(["--write-secret-files", str(tmpfs_dir), "--owner", "postgres"], env)
    assert result.returncode != 0
    assert "is not UID:GID" in result.stderr
