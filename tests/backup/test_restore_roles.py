"""A restored database is Odoo's: owned by the role `odoo`, usable by a client connected as `odoo`,
and no SQL from a set ever runs as the superuser (a compromised host may plant a set)."""
import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.backup.helpers import (BACKUP, RESTORE, assert_odoo_can_use, manifest_sets, populate_db,
                                  populate_filestore, run_script, script_env)
from tests.peers import PG_BIN

DB = "roles"


@pytest.fixture
def site(pg, moto, s3, bucket, data_dir, tmp_path):
    populate_db(pg, DB, partners=500, blobs=10)
    populate_filestore(os.path.join(data_dir, "filestore", DB), files=5)
    yield
    for db in pg.databases() - {"postgres"}:
        pg.psql_super(f'DROP DATABASE "{db}" WITH (FORCE);')


def common(bucket, data_dir, tmp_path):
    return ["--bucket", bucket, "--data-dir", data_dir, "--status-file", str(tmp_path / "s.json")]


def test_the_odoo_role_is_created_as_production_creates_it(pg):
    attributes = pg.psql("SELECT rolsuper, rolcreatedb, rolcreaterole, rolcanlogin FROM pg_roles "
                         "WHERE rolname = 'odoo';")
    assert attributes == "f|t|f|t"


def test_a_restored_database_is_usable_by_odoo(pg, moto, bucket, data_dir, site, tmp_path):
    env = script_env(pg.env(), moto)
    args = common(bucket, data_dir, tmp_path)
    assert run_script(BACKUP, args + ["--db", DB], env).returncode == 0
    restored = run_script(RESTORE, args[:4] + ["--target-db", "fresh"], env)
    assert restored.returncode == 0, restored.stderr
    assert_odoo_can_use(pg, "fresh")
    # The trusted extensions were created by the owner, not by a superuser.
    assert pg.psql("SELECT string_agg(extname || ':' || extowner::regrole, ',' ORDER BY extname) FROM pg_extension "
                   "WHERE extname IN ('pg_trgm', 'unaccent');", db="fresh") == "pg_trgm:odoo,unaccent:odoo"

    # Over the live database too: the replaced copy is Odoo's as well.
    replaced = run_script(RESTORE, args[:4] + ["--target-db", DB, "--force-overwrite"], env)
    assert replaced.returncode == 0, replaced.stderr
    assert_odoo_can_use(pg, DB)


def plant_copy_program_dump(pg, path, marker):
    """A custom-format archive whose restore runs COPY ... TO PROGRAM: a CHECK constraint calls a
    function for every row the restore loads. Built harmless, then the function is swapped."""
    pg.psql_super('CREATE DATABASE planted;')
    pg.psql_super(f"""
        CREATE FUNCTION fine(x int) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN RETURN true; END $$;
        CREATE TABLE ir_attachment (id int CHECK (fine(id)));
        INSERT INTO ir_attachment VALUES (1);
        CREATE OR REPLACE FUNCTION fine(x int) RETURNS boolean LANGUAGE plpgsql AS $$
        BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch {marker}'''; RETURN true; END $$;
    """, db="planted")
    subprocess.run([f"{PG_BIN}/pg_dump", "-U", "postgres", "-Fc", "-f", path, "planted"], check=True,
                   env={**os.environ, **pg.env("postgres")})
    pg.psql_super('DROP DATABASE planted;')


def test_a_planted_dump_cannot_run_superuser_sql(pg, moto, s3, bucket, data_dir, site, tmp_path):
    env = script_env(pg.env(), moto)
    args = common(bucket, data_dir, tmp_path)
    assert run_script(BACKUP, args + ["--db", DB], env).returncode == 0
    [good] = manifest_sets(s3, bucket)

    # The host rewrites the set's dump and its manifest entry (it may PutObject).
    marker = Path(pg.dir) / f"pwned-{tmp_path.name}"  # where the server's own user may write
    dump = tmp_path / "planted.dump"
    plant_copy_program_dump(pg, str(dump), marker)
    body = dump.read_bytes()
    manifest = json.loads(s3.get_object(Bucket=bucket, Key=f"odoo/{good}/manifest.json")["Body"].read())
    manifest["parts"]["dump"].update(key="db.dump", compression="none", size=len(body),
                                     sha256=hashlib.sha256(body).hexdigest())
    s3.put_object(Bucket=bucket, Key=f"odoo/{good}/db.dump", Body=body)
    s3.put_object(Bucket=bucket, Key=f"odoo/{good}/manifest.json", Body=json.dumps(manifest).encode())
    databases = pg.databases()

    result = run_script(RESTORE, args[:4] + ["--target-db", "victim"], env)
    assert result.returncode != 0
    assert "to COPY to or from an external program" in result.stderr, result.stderr
    assert not marker.exists()
    assert pg.databases() == databases  # the temporary database is gone

    # The control: the same archive restored the old way, as the superuser, does run the program.
    pg.psql_super("CREATE DATABASE control;")
    subprocess.run([f"{PG_BIN}/pg_restore", "-U", "postgres", "--no-owner", "-d", "control", str(dump)],
                   env={**os.environ, **pg.env("postgres")}, capture_output=True)
    assert marker.exists()
    marker.unlink()


def test_an_owner_command_connected_as_a_superuser_is_refused(pg, moto, s3, bucket, data_dir, site, tmp_path):
    env = script_env(pg.env(), moto, RESTORE_OWNER_PSQL_CMD="psql -U postgres")
    args = common(bucket, data_dir, tmp_path)
    assert run_script(BACKUP, args + ["--db", DB], env).returncode == 0
    databases = pg.databases()
    result = run_script(RESTORE, args[:4] + ["--target-db", "as_super"], env)
    assert result.returncode != 0
    assert "refusing to run a dump as postgres" in result.stderr, result.stderr
    assert pg.databases() == databases
