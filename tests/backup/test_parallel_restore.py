"""odoo-restore --jobs N: the data section's rows are dealt out to N sessions of Odoo's role, so one
large table loads on several cores. The result is the same database, owned and usable by odoo; a
refused session fails the whole restore and leaves nothing."""
import os

import pytest

from tests.backup.helpers import (BACKUP, RESTORE, assert_odoo_can_use, db_fingerprint, manifest_sets, populate_db,
                                  populate_filestore, run_script, script_env, tree_fingerprint)

DB = "depot"


@pytest.fixture
def one_set(pg, moto, s3, bucket, data_dir, tmp_path):
    populate_db(pg, DB, partners=5000, blobs=120)
    populate_filestore(os.path.join(data_dir, "filestore", DB), files=20, max_kib=50)
    done = run_script(BACKUP, ["--bucket", bucket, "--db", DB, "--data-dir", data_dir, "--status-file",
                               str(tmp_path / "s.json"), "--attempts", "1"], script_env(pg.env(), moto))
    assert done.returncode == 0, done.stderr
    yield manifest_sets(s3, bucket)[0]
    for db in pg.databases() - {"postgres"}:
        pg.psql(f'DROP DATABASE "{db}" WITH (FORCE);', user="postgres")


@pytest.mark.parametrize("jobs", [2, 3])
def test_a_parallel_restore_is_the_same_database(pg, moto, bucket, data_dir, one_set, jobs):
    target = f"{DB}_jobs{jobs}"
    done = run_script(RESTORE, ["--bucket", bucket, "--data-dir", data_dir, "--target-db", target, "--jobs",
                                str(jobs)], script_env(pg.env(), moto))
    assert done.returncode == 0, done.stderr
    assert db_fingerprint(pg, target) == db_fingerprint(pg, DB)
    assert_odoo_can_use(pg, target)
    # post-data ran after the rows: the indexes and the primary keys exist.
    assert pg.psql("SELECT count(*) FROM pg_indexes WHERE indexname IN "
                   "('res_partner_name_idx', 'ir_attachment_name_trgm', 'ir_attachment_pkey');", db=target) == "3"
    assert tree_fingerprint(os.path.join(data_dir, "filestore", target)) == \
        tree_fingerprint(os.path.join(data_dir, "filestore", DB))


def test_a_refused_session_fails_the_parallel_restore_and_leaves_nothing(pg, moto, bucket, data_dir, one_set):
    before = pg.databases()
    # Every session connects as the superuser: the guard refuses in each, the restore stops.
    done = run_script(RESTORE, ["--bucket", bucket, "--data-dir", data_dir, "--target-db", "refused", "--jobs", "2",
                                "--owner-psql-cmd", "psql -U postgres"], script_env(pg.env(), moto))
    assert done.returncode == 1 and "refusing to run a dump as postgres" in done.stderr, done.stderr
    assert pg.databases() == before
    assert not [n for n in os.listdir(os.path.join(data_dir, "filestore")) if "refused" in n]

