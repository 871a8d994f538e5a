"""Back up a database and its filestore, lose them, restore them: the data must be identical."""
import os
import shutil

import pytest

from tests.backup.helpers import (BACKUP, RESTORE, db_fingerprint, manifest_sets, next_second, populate_db,
                                  populate_filestore, read_json, run_script, script_env, tree_fingerprint,
                                  work_leftovers)

DB = "shop"


@pytest.fixture
def shop(pg, data_dir):
    """A database with ~12 MB of random data and a ~18 MB filestore of random binary files."""
    populate_db(pg, DB)
    populate_filestore(os.path.join(data_dir, "filestore", DB))
    yield
    for db in pg.databases() - {"postgres"}:
        pg.psql(f'DROP DATABASE "{db}" WITH (FORCE);')


def test_backup_then_restore_reproduces_database_and_filestore(pg, moto, s3, bucket, data_dir, shop, tmp_path):
    env = script_env(pg.env(), moto)
    filestore = os.path.join(data_dir, "filestore", DB)
    before_db, before_files = db_fingerprint(pg, DB), tree_fingerprint(filestore)
    assert len(before_files) == 120
    status_file = tmp_path / "status.json"
    common = ["--bucket", bucket, "--data-dir", data_dir]

    backup = run_script(BACKUP, common + ["--db", DB, "--odoo-version", "18.0", "--status-file", str(status_file),
                                          "--part-size-mib", "5"], env)
    assert backup.returncode == 0, backup.stderr
    [set_name] = manifest_sets(s3, bucket)
    manifest = read_json(s3, bucket, f"odoo/{set_name}/manifest.json")
    assert manifest["db_name"] == DB and manifest["odoo_version"] == "18.0"
    assert manifest["parts"]["filestore"]["files"] == 120
    assert manifest["parts"]["dump"]["size"] > 10 * 1024 * 1024  # random data did not compress away
    assert "15." in manifest["tools"]["pg_dump"]
    assert read_json(s3, bucket, "odoo/_status/last-success.json")["set"] == set_name
    assert '"outcome": "success"' in status_file.read_text()
    assert work_leftovers(data_dir) == []  # nothing staged, nothing left

    # Default: restore into a NEW database and filestore, beside the original.
    restored = run_script(RESTORE, common, env)
    assert restored.returncode == 0, restored.stderr
    new_db = f"{DB}_restore_{set_name.replace('-', '').replace('T', '_').rstrip('Z')}"
    assert new_db in pg.databases()
    assert db_fingerprint(pg, new_db) == before_db
    assert tree_fingerprint(os.path.join(data_dir, "filestore", new_db)) == before_files

    # Lose everything, then restore under the original name.
    pg.psql(f'DROP DATABASE "{DB}";')
    shutil.rmtree(filestore)
    restored = run_script(RESTORE, common + ["--set", set_name, "--target-db", DB], env)
    assert restored.returncode == 0, restored.stderr
    assert db_fingerprint(pg, DB) == before_db
    assert tree_fingerprint(filestore) == before_files
    assert sorted(os.listdir(os.path.join(data_dir, "filestore"))) == sorted([DB, new_db])  # no leftovers


def test_restore_refuses_to_overwrite_without_the_flag_and_replaces_with_it(pg, moto, s3, bucket, data_dir, shop):
    env = script_env(pg.env(), moto)
    filestore = os.path.join(data_dir, "filestore", DB)
    common = ["--bucket", bucket, "--data-dir", data_dir]
    assert run_script(BACKUP, common + ["--db", DB, "--status-file", os.path.join(data_dir, "s.json")],
                      env).returncode == 0
    before_db, before_files = db_fingerprint(pg, DB), tree_fingerprint(filestore)

    # The live database moves on after the backup.
    pg.psql("INSERT INTO res_partner (name) VALUES ('after the backup');", db=DB)
    open(os.path.join(filestore, "zz-new-attachment"), "wb").write(b"new")
    changed_db, changed_files = db_fingerprint(pg, DB), tree_fingerprint(filestore)
    databases = pg.databases()

    refused = run_script(RESTORE, common + ["--target-db", DB], env)
    assert refused.returncode != 0
    assert "already exists" in refused.stderr and "--force-overwrite" in refused.stderr
    assert pg.databases() == databases  # nothing created
    assert db_fingerprint(pg, DB) == changed_db and tree_fingerprint(filestore) == changed_files

    replaced = run_script(RESTORE, common + ["--target-db", DB, "--force-overwrite"], env)
    assert replaced.returncode == 0, replaced.stderr
    assert db_fingerprint(pg, DB) == before_db
    assert tree_fingerprint(filestore) == before_files
    assert pg.databases() == databases  # the replaced copy is gone, no temporary database left
    assert os.listdir(os.path.join(data_dir, "filestore")) == [DB]


def test_neutralize_runs_on_the_copy_and_its_failure_leaves_nothing(pg, moto, s3, bucket, data_dir, shop, tmp_path):
    env = script_env(pg.env(), moto)
    common = ["--bucket", bucket, "--data-dir", data_dir]
    assert run_script(BACKUP, common + ["--db", DB, "--status-file", str(tmp_path / "s.json")], env).returncode == 0
    databases = pg.databases()

    # Stand-in for `odoo neutralize -d <db>`: records the database it was given and changes it, like the real one.
    seen = tmp_path / "neutralized"
    stand_in = (f"sh -c 'echo \"$2\" > {seen}; psql -X -q -d \"$2\" "
                "-c \"UPDATE res_partner SET comment = NULL\"' neutralize")
    done = run_script(RESTORE, common + ["--target-db", "staging", "--neutralize", "--neutralize-cmd", stand_in], env)
    assert done.returncode == 0, done.stderr
    assert seen.read_text().strip().startswith("staging_restoring_")  # neutralized before going live
    assert pg.psql("SELECT count(*) FROM res_partner WHERE comment IS NOT NULL;", db="staging") == "0"

    failed = run_script(RESTORE, common + ["--target-db", "staging2", "--neutralize", "--neutralize-cmd", "false"], env)
    assert failed.returncode != 0
    assert "neutralize failed" in failed.stderr
    assert pg.databases() == databases | {"staging"}  # no staging2, no temporary database
    assert sorted(os.listdir(os.path.join(data_dir, "filestore"))) == [DB, "staging"]
