"""Backups keep running when the database is on RDS (PLAN contract 1): with DB_KIND=rds in the
host's database.env, odoo-backup dumps with the host's pg_dump over verified TLS as Odoo's role,
its password from odoo.conf in a 0400 passfile beside it, removed after the run. Against a TLS-only
PostgreSQL whose master is not a superuser (tests/database/rds_like.py) and moto."""
import json
import os
import stat
import subprocess

import pytest

from tests.backup.helpers import (BACKUP, RESTORE, db_fingerprint, manifest_sets, populate_db, populate_filestore,
                                  read_json, run_script, script_env, tree_fingerprint)
from tests.database.rds_like import MASTER, RdsLikeCluster
from tests.peers import PG_BIN, require_postgres
from tests.tools import require_tool

DB = "odoo_rds"
# A password with the characters a passfile must escape.
ODOO_PASSWORD = "odoo-Pass:with\\colon-42"


class OdooOnRds:
    """The RDS-like cluster as Odoo sees it: connected as `odoo` over verified TLS. The database is
    created by the master (OWNER odoo), as the move to RDS does; the rest runs as `odoo`."""

    def __init__(self, rds):
        self.rds = rds

    def env(self, user="odoo"):
        return {"PGHOST": "localhost", "PGHOSTADDR": "127.0.0.1", "PGPORT": str(self.rds.port), "PGUSER": user,
                "PGSSLMODE": "verify-full", "PGSSLROOTCERT": self.rds.ca,
                "PGPASSWORD": ODOO_PASSWORD, "PATH": f"{PG_BIN}:{os.environ['PATH']}"}

    def psql(self, sql, db="postgres", user="odoo"):
        if sql.startswith("CREATE DATABASE"):
            return self.master(f"{sql.rstrip().rstrip(';')} OWNER odoo;")
        out = subprocess.run([f"{PG_BIN}/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", db], input=sql,
                             capture_output=True, text=True, env={**os.environ, **self.env(user)})
        if out.returncode != 0:
            raise AssertionError(f"psql failed: {out.stderr}")
        return out.stdout.strip()

    def master(self, sql):
        out = subprocess.run([f"{PG_BIN}/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", self.rds.conninfo()
                              + " dbname=postgres"], input=sql, capture_output=True, text=True)
        if out.returncode != 0:
            raise AssertionError(f"psql as the master failed: {out.stderr}")
        return out.stdout.strip()


@pytest.fixture(scope="module")
def rds():
    require_postgres()
    require_tool("openssl")
    cluster = RdsLikeCluster()
    odoo = OdooOnRds(cluster)
    # As the move to RDS leaves it (contract 2): odoo NOSUPERUSER NOCREATEDB NOCREATEROLE, made by the master.
    odoo.master(f"CREATE ROLE odoo LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{ODOO_PASSWORD}'; "
                f"GRANT odoo TO {MASTER};")
    populate_db(odoo, DB, partners=2000, blobs=40)
    yield odoo
    cluster.destroy()


def host_files(tmp_path, rds, **env):
    """database.env as the step 5 delivery writes it, and the host writer's odoo.conf."""
    secrets = tmp_path / "run"
    secrets.mkdir(mode=0o700)
    conf = secrets / "odoo.conf"
    conf.write_text(f"[options]\ndb_host = localhost\ndb_user = odoo\ndb_password = {ODOO_PASSWORD}\n")
    values = {"DB_KIND": "rds", "PGHOST": "localhost", "PGPORT": str(rds.rds.port), "PGDATABASE": DB,
              "PGSSLMODE": "verify-full", "PGSSLROOTCERT": rds.rds.ca,
              "MASTER_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:master", "AWS_REGION": "us-east-1",
              **env}
    database_env = tmp_path / "database.env"
    database_env.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return str(database_env), str(conf)


def backup_args(bucket, data_dir, tmp_path, database_env, conf, *extra):
    return ["--bucket", bucket, "--db", DB, "--data-dir", data_dir, "--status-file", str(tmp_path / "s.json"),
            "--attempts", "1", "--wait-db", "5", "--database-env", database_env, "--odoo-conf", conf, *extra]


def test_a_backup_from_rds_is_a_set_the_container_path_restores(rds, pg, moto, s3, bucket, data_dir, tmp_path):
    filestore = os.path.join(data_dir, "filestore", DB)
    populate_filestore(filestore, files=20, max_kib=40)
    database_env, conf = host_files(tmp_path, rds)
    seen = tmp_path / "passfile.txt"
    # The compressor runs while pg_dump does: it notes the passfile libpq is given, and its mode.
    spy = f"sh -c 'stat -c \"%a %n\" \"$PGPASSFILE\" > {seen}; env > {seen}.env; exec zstd -T0 -1 -q -c'"
    # No libpq variable of the container path leaks in: the env file decides where the dump connects.
    # Every table as COPY binary parts too: read as odoo, over the same verified connection.
    env = script_env({"PATH": f"{PG_BIN}:{os.environ['PATH']}"}, moto, BACKUP_BINARY_MIN_MIB=0)
    done = run_script(BACKUP, backup_args(bucket, data_dir, tmp_path, database_env, conf, "--compress-cmd", spy), env)
    assert done.returncode == 0, done.stderr
    mode, path = seen.read_text().split()
    assert mode == "400" and os.path.dirname(path) == os.path.dirname(conf)
    assert not os.path.exists(path), "the passfile outlived the run"
    assert ODOO_PASSWORD not in (tmp_path / "passfile.txt.env").read_text()  # not in any environment
    [name] = manifest_sets(s3, bucket)
    manifest = read_json(s3, bucket, f"odoo/{name}/manifest.json")
    assert manifest["db_kind"] == "rds" and manifest["consistency"]["filestore_gc_blocked"] is True
    assert {"ir_attachment", "res_partner"} <= {part["table"] for part in manifest["parts"]["tables"]}
    # Into the container path's PostgreSQL (production roles): the same data, usable by odoo.
    restored = run_script(RESTORE, ["--bucket", bucket, "--data-dir", str(tmp_path / "restored"), "--target-db",
                                    "from_rds", "--set", name], script_env(pg.env(), moto))
    assert restored.returncode == 0, restored.stderr
    assert db_fingerprint(pg, "from_rds") == db_fingerprint(rds, DB)
    assert tree_fingerprint(tmp_path / "restored" / "filestore" / "from_rds") == tree_fingerprint(filestore)


@pytest.mark.parametrize("change, reason", [
    ({"PGSSLMODE": "require"}, "verified connection"),
    ({"DB_KIND": "aurora"}, "neither rds nor container"),
    ({"PGSSLROOTCERT": ""}, "PGSSLROOTCERT missing"),
])
def test_a_database_env_that_would_dump_unsafely_is_refused(rds, moto, s3, bucket, data_dir, tmp_path, change, reason):
    os.makedirs(os.path.join(data_dir, "filestore", DB))
    database_env, conf = host_files(tmp_path, rds, **change)
    done = run_script(BACKUP, backup_args(bucket, data_dir, tmp_path, database_env, conf), script_env({}, moto))
    assert done.returncode == 1 and reason in done.stderr.splitlines()[-1], done.stderr
    assert manifest_sets(s3, bucket) == [] and os.listdir(os.path.dirname(conf)) == ["odoo.conf"]


def test_a_wrong_password_fails_cleanly_and_leaves_no_passfile(rds, moto, s3, bucket, data_dir, tmp_path):
    os.makedirs(os.path.join(data_dir, "filestore", DB))
    database_env, conf = host_files(tmp_path, rds)
    with open(conf, "w") as handle:
        handle.write("[options]\ndb_user = odoo\ndb_password = not-the-password\n")
    env = script_env({"PATH": f"{PG_BIN}:{os.environ['PATH']}"}, moto)
    done = run_script(BACKUP, backup_args(bucket, data_dir, tmp_path, database_env, conf), env)
    assert done.returncode == 1 and "FAILED" in done.stderr.splitlines()[-1], done.stderr
    assert "password authentication failed" in done.stderr
    assert os.listdir(os.path.dirname(conf)) == ["odoo.conf"]
    assert json.load(open(tmp_path / "s.json"))["outcome"] == "failure"


def test_the_timer_reads_the_hosts_database_env_at_every_run():
    """Rendered the same with or without RDS: the file the delivery writes decides at run time, so a
    move to RDS (Step 5) needs no new unit."""
    from components.backup.host_files import render_host_files
    from configs.load import from_mapping
    from tests.backup.test_units import exec_start_argv
    from tests.stacks import aws
    service = render_host_files(from_mapping("prod", aws(4)), "prod-backups")["host/systemd/odoo-backup.service"]
    argv = exec_start_argv(service)
    options = dict(zip(argv[1::2], argv[2::2]))
    assert options["--database-env"] == "/etc/odoo-ladder/odoo-prod/database.env"
    assert options["--odoo-conf"] == "/run/odoo-ladder/odoo-prod/odoo.conf"


def secret(moto, username=MASTER, password=None):
    import boto3
    from tests.database.rds_like import MASTER_PASSWORD
    client = boto3.client("secretsmanager", endpoint_url=moto, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    import uuid
    return client.create_secret(Name=f"master-{uuid.uuid4().hex[:8]}", SecretString=json.dumps(
        {"username": username, "password": password or MASTER_PASSWORD}))["ARN"]


def restore_args(bucket, tmp_path, database_env, conf, *extra):
    return ["--bucket", bucket, "--data-dir", str(tmp_path / "restored"), "--database-env", database_env,
            "--odoo-conf", conf, *extra]


def test_a_restore_onto_rds_makes_a_new_database_odoo_owns(rds, pg, moto, s3, bucket, data_dir, tmp_path):
    """A set taken on the container path (production roles) restored onto RDS by default into a NEW
    database: created by the non-superuser master from Secrets Manager, OWNER odoo, the set's SQL
    run as odoo (--no-owner --no-privileges), usable by odoo; no passfile stays."""
    from tests.backup.helpers import assert_odoo_can_use
    source = "on_container"
    populate_db(pg, source, partners=1500, blobs=30)
    populate_filestore(os.path.join(data_dir, "filestore", source), files=15, max_kib=30)
    # With its tables as COPY binary parts: loaded onto RDS as odoo, behind the guard.
    taken = run_script(BACKUP, ["--bucket", bucket, "--db", source, "--data-dir", data_dir, "--status-file",
                                str(tmp_path / "s.json"), "--attempts", "1"],
                       script_env(pg.env(), moto, BACKUP_BINARY_MIN_MIB=0))
    assert taken.returncode == 0, taken.stderr
    [name] = manifest_sets(s3, bucket)
    assert read_json(s3, bucket, f"odoo/{name}/manifest.json")["parts"]["tables"]
    database_env, conf = host_files(tmp_path, rds, MASTER_SECRET_ARN=secret(moto))
    before = set(rds.master("SELECT datname FROM pg_database;").split())
    env = script_env({"PATH": f"{PG_BIN}:{os.environ['PATH']}"}, moto)
    for key in [k for k in env if k.startswith("RESTORE_") and k.endswith("_CMD")]:
        del env[key]  # the container path's commands: the env file must replace them all
    done = run_script(RESTORE, restore_args(bucket, tmp_path, database_env, conf), env)
    assert done.returncode == 0, done.stderr
    [new] = set(rds.master("SELECT datname FROM pg_database;").split()) - before
    assert new.startswith(f"{source}_restore_")
    assert db_fingerprint(rds, new) == db_fingerprint(pg, source)
    assert_odoo_can_use(rds, new)
    assert rds.master(f"SELECT rolsuper FROM pg_roles WHERE rolname = '{MASTER}';") == "f"
    assert os.listdir(os.path.dirname(conf)) == ["odoo.conf"]


def test_a_wrong_master_secret_fails_before_any_database_exists(rds, moto, s3, bucket, tmp_path):
    database_env, conf = host_files(tmp_path, rds, MASTER_SECRET_ARN=secret(moto, password="wrong"))
    before = rds.master("SELECT count(*) FROM pg_database;")
    done = run_script(RESTORE, restore_args(bucket, tmp_path, database_env, conf, "--target-db", "nope"),
                      script_env({"PATH": f"{PG_BIN}:{os.environ['PATH']}"}, moto))
    assert done.returncode == 1 and "password authentication failed" in done.stderr, done.stderr
    assert rds.master("SELECT count(*) FROM pg_database;") == before
    assert os.listdir(os.path.dirname(conf)) == ["odoo.conf"]


def test_the_hosts_restore_defaults_read_the_database_env_and_the_master_with_the_instance_profile():
    from components.backup.host_files import render_host_files
    from configs.load import from_mapping
    from tests.backup.test_host_files import host_env
    from tests.stacks import aws
    env = host_env(render_host_files(from_mapping("prod", aws(4)), "prod-backups"))
    assert env["RESTORE_DATABASE_ENV"] == "/etc/odoo-ladder/odoo-prod/database.env"
    assert env["RESTORE_ODOO_CONF"] == "/run/odoo-ladder/odoo-prod/odoo.conf"
    assert env["RESTORE_SECRETS_CREDENTIALS"] == "instance"
