"""Every way of not getting a real secret stops the container: non-zero, one clear line, no Odoo."""
import time
from types import SimpleNamespace

import pytest

from tests.secrets.aws_deny_stub import DenyingEndpoint
from tests.secrets.conftest import (ADMIN_PASSWD, DB_PASSWORD, SecretStore, boto_client,
                                    entrypoint_env, free_port, run_entrypoint, start_moto, stop)

FATAL = "odoo-ladder-entrypoint: FATAL: "


def assert_fails_closed(result, out, *phrases: str) -> str:
    """Non-zero exit, Odoo not started, no config written, one FATAL line holding `phrases`."""
    assert result.returncode != 0
    assert result.stdout == "", "the exec target ran"
    assert not out.exists(), "a config was written"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(FATAL), result.stderr
    for phrase in phrases:
        assert phrase in lines[0], f"{phrase!r} not in: {lines[0]}"
    return lines[0]


def test_missing_parameter_is_named_with_the_command_to_create_it(store, base_config, tmpfs_dir):
    store.put("admin_passwd", ADMIN_PASSWD)  # db_password never created
    out = tmpfs_dir / "odoo.conf"
    result = run_entrypoint(["odoo"], entrypoint_env(store, base_config, out))
    create = "aws ssm put-parameter" if store.kind == "ssm" else "aws secretsmanager create-secret"
    assert_fails_closed(result, out, f"{store.path}/db_password does not exist", create)


@pytest.mark.parametrize("value, phrase", [
    ("   ", "is empty"),
    ("odoo", "well-known default"),        # the official image's DB password
    ("False", "reads as a boolean"),       # Odoo's loader would turn it into False
    ("two\nlines", "line break"),
    (" padded", "whitespace"),
])
def test_unusable_value_is_refused_without_echoing_it(store, base_config, tmpfs_dir, value, phrase):
    store.put("db_password", value)
    store.put("admin_passwd", ADMIN_PASSWD)
    out = tmpfs_dir / "odoo.conf"
    result = run_entrypoint(["odoo"], entrypoint_env(store, base_config, out))
    line = assert_fails_closed(result, out, f"{store.path}/db_password", phrase)
    if value.strip() not in ("", "odoo", "False"):
        assert value.strip() not in line


def test_default_admin_password_is_refused(store, base_config, tmpfs_dir):
    store.put("db_password", DB_PASSWORD)
    store.put("admin_passwd", "admin")
    out = tmpfs_dir / "odoo.conf"
    result = run_entrypoint(["odoo"], entrypoint_env(store, base_config, out))
    assert_fails_closed(result, out, f"{store.path}/admin_passwd", "well-known default")


def test_unreachable_endpoint_fails_fast(store, base_config, tmpfs_dir):
    out = tmpfs_dir / "odoo.conf"
    env = entrypoint_env(store, base_config, out)
    env["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    started = time.monotonic()
    result = run_entrypoint(["odoo"], env)
    elapsed = time.monotonic() - started
    assert_fails_closed(result, out, f"cannot reach {store.kind}", f"{store.path}/db_password")
    assert elapsed < 15, f"took {elapsed:.1f}s with AWS_MAX_ATTEMPTS=1"


def test_access_denied_in_the_aws_wire_format(store, base_config, tmpfs_dir):
    """Stub endpoint answering AccessDeniedException exactly as SSM/Secrets Manager do."""
    out = tmpfs_dir / "odoo.conf"
    env = entrypoint_env(store, base_config, out)
    with DenyingEndpoint() as endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
        result = run_entrypoint(["odoo"], env)
    action = "ssm:GetParameter" if store.kind == "ssm" else "secretsmanager:GetSecretValue"
    assert_fails_closed(result, out, "access denied reading", f"{store.path}/db_password",
                        f"needs {action}", "AccessDeniedException", "not authorized to perform")


@pytest.fixture(scope="module")
def moto_enforcing_iam():
    """A second moto_server whose IAM emulation denies after the first 3 (setup) requests."""
    proc, endpoint = start_moto({"INITIAL_NO_AUTH_ACTION_COUNT": "3"})
    try:
        SecretStore("ssm", endpoint, "/odoo-ladder/denied").put("db_password", DB_PASSWORD)
        iam = boto_client("iam", endpoint)
        iam.create_user(UserName="no-read-policy")
        key = iam.create_access_key(UserName="no-read-policy")["AccessKey"]
        yield endpoint, key
    finally:
        stop(proc)


@pytest.mark.parametrize("kind", ["ssm", "secretsmanager"])
def test_access_denied_by_moto_iam(moto_enforcing_iam, kind, base_config, tmpfs_dir):
    endpoint, key = moto_enforcing_iam
    store = SimpleNamespace(kind=kind, endpoint=endpoint, path="/odoo-ladder/denied")
    out = tmpfs_dir / "odoo.conf"
    env = entrypoint_env(store, base_config, out)
    env.update(AWS_ACCESS_KEY_ID=key["AccessKeyId"], AWS_SECRET_ACCESS_KEY=key["SecretAccessKey"])
    result = run_entrypoint(["odoo"], env)
    assert_fails_closed(result, out, "access denied reading", "/odoo-ladder/denied/db_password")


def test_no_credentials(ssm_store, base_config, tmpfs_dir):
    out = tmpfs_dir / "odoo.conf"
    env = entrypoint_env(ssm_store, base_config, out)
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    result = run_entrypoint(["odoo"], env)
    assert_fails_closed(result, out, "no AWS credentials", "instance profile")


@pytest.mark.parametrize("name, value, phrase", [
    ("ODOO_LADDER_SECRET_STORE", None, "ODOO_LADDER_SECRET_STORE is not set"),
    ("ODOO_LADDER_SECRET_STORE", "vault", "is not one of ssm, secretsmanager"),
    ("ODOO_LADDER_SECRET_PATH", None, "ODOO_LADDER_SECRET_PATH is not set"),
    ("ODOO_LADDER_SECRET_PATH", "/odoo-ladder/", "must start with '/', not end with '/'"),
    ("AWS_REGION", None, "AWS_REGION is not set"),
])
def test_incomplete_settings(ssm_store, base_config, tmpfs_dir, name, value, phrase):
    ssm_store.put_defaults()
    out = tmpfs_dir / "odoo.conf"
    env = entrypoint_env(ssm_store, base_config, out)
    if value is None:
        del env[name]
    else:
        env[name] = value
    assert_fails_closed(run_entrypoint(["odoo"], env), out, phrase)


def test_password_in_environment_is_refused(ssm_store, base_config, tmpfs_dir):
    """The official image's PASSWORD variable would be a secret in env: refuse to start."""
    ssm_store.put_defaults()
    out = tmpfs_dir / "odoo.conf"
    env = {**entrypoint_env(ssm_store, base_config, out), "PASSWORD": "leaked"}
    line = assert_fails_closed(run_entrypoint(["odoo"], env), out, "PASSWORD is set")
    assert "leaked" not in line


def test_missing_base_config(ssm_store, tmp_path, tmpfs_dir):
    ssm_store.put_defaults()
    out = tmpfs_dir / "odoo.conf"
    env = entrypoint_env(ssm_store, tmp_path / "absent.conf", out)
    assert_fails_closed(run_entrypoint(["odoo"], env), out, "absent.conf does not exist")


def test_base_config_holding_a_secret_is_refused(ssm_store, base_config, tmpfs_dir):
    ssm_store.put_defaults()
    base_config.write_text(base_config.read_text() + "admin_passwd = on-disk\n")
    out = tmpfs_dir / "odoo.conf"
    line = assert_fails_closed(run_entrypoint(["odoo"], entrypoint_env(ssm_store, base_config, out)),
                               out, "sets admin_passwd", "remove it")
    assert "on-disk" not in line


def test_output_outside_tmpfs_is_refused(ssm_store, base_config, disk_dir):
    """If the compose file forgot the tmpfs, the config would land on the host's disk."""
    ssm_store.put_defaults()
    out = disk_dir / "odoo.conf"
    result = run_entrypoint(["odoo"], entrypoint_env(ssm_store, base_config, out))
    assert_fails_closed(result, out, "not tmpfs", "mount a tmpfs there")
