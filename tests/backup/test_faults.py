"""A failed backup exits non-zero, says why on one line, and leaves no set that looks complete:
the latest complete set is still the previous good one. A corrupted set is never restored."""
import json
import os
import signal
import subprocess
import sys

import pytest

from tests.peers import free_port
from tests.backup.helpers import (BACKUP, RESTORE, db_fingerprint, manifest_sets, next_second, populate_db,
                                  populate_filestore, read_json, run_script, script_env, tree_fingerprint,
                                  work_leftovers)
from tests.backup.proxy import BreakingProxy
from tests.tools import require_root, require_tool

DB = "ledger"
# Fail fast where S3 is meant to be unreachable, instead of botocore's patient defaults.
FAST = ["--connect-timeout", "1", "--read-timeout", "5", "--max-attempts", "2"]


class Site:
    """One database + filestore with one good set in a fresh bucket."""

    def __init__(self, pg, moto, s3, bucket, data_dir, status_file):
        self.pg, self.moto, self.s3, self.bucket, self.data_dir = pg, moto, s3, bucket, data_dir
        self.status_file = str(status_file)
        populate_db(pg, DB, partners=2000, blobs=100)
        populate_filestore(os.path.join(data_dir, "filestore", DB))  # ~18 MB: several 5 MiB parts
        done = self.backup()
        assert done.returncode == 0, done.stderr
        [self.good] = manifest_sets(s3, bucket)
        next_second()

    def args(self, *extra):
        return ["--bucket", self.bucket, "--db", DB, "--data-dir", self.data_dir, "--status-file", self.status_file,
                "--part-size-mib", "5", "--attempts", "1", "--wait-db", "3", *extra]

    def env(self, endpoint=None):
        return script_env(self.pg.env(), endpoint or self.moto)

    def backup(self, *extra, endpoint=None):
        return run_script(BACKUP, self.args(*extra), self.env(endpoint))

    def assert_failed_cleanly(self, result, reason):
        assert result.returncode != 0
        lines = result.stderr.strip().splitlines()
        assert lines[-1].startswith("odoo-backup: FAILED backup s3://"), result.stderr
        assert reason in lines[-1], lines[-1]
        assert "Traceback" not in result.stderr
        # No set of this run looks complete; the lookup a restore uses still finds the good set.
        assert manifest_sets(self.s3, self.bucket) == [self.good]
        latest = run_script(RESTORE, ["--bucket", self.bucket, "--show-latest"], self.env())
        assert latest.stdout.strip() == self.good, latest.stderr
        status = json.load(open(self.status_file))
        assert status["outcome"] == "failure" and reason in status["error"]
        assert status["last_success"]["set"] == self.good
        assert work_leftovers(self.data_dir) == []
        # Whatever this run did upload has no manifest and is released for expiry already (the host
        # may not delete: Object Lock and its policy keep every object for keep_days).
        for key in self.keys_of_other_sets():
            tags = self.s3.get_object_tagging(Bucket=self.bucket, Key=key)["TagSet"]
            assert {"Key": "odoo-ladder-expire", "Value": "yes"} in tags, key

    def keys_of_other_sets(self):
        keys = [o["Key"] for o in self.s3.list_objects_v2(Bucket=self.bucket).get("Contents", [])]
        return sorted(k for k in keys if not k.startswith((f"odoo/{self.good}/", "odoo/_status/")))


@pytest.fixture
def site(pg, moto, s3, bucket, data_dir, tmp_path):
    yield Site(pg, moto, s3, bucket, data_dir, tmp_path / "last-run.json")
    pg.psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE);')


def test_s3_unreachable(site):
    closed = f"http://127.0.0.1:{free_port()}"
    result = site.backup(*FAST, endpoint=closed)
    site.assert_failed_cleanly(result, "Could not connect to the endpoint URL")


def test_upload_cut_mid_multipart_is_aborted(site):
    # The request line of part 2, in either query order botocore may use.
    part_two = (b"?partNumber=2&", b"&partNumber=2 ")
    proxy = BreakingProxy(int(site.moto.rsplit(":", 1)[1]), triggers=part_two, mode="drop")
    try:
        result = site.backup(*FAST, endpoint=f"http://127.0.0.1:{proxy.port}")
    finally:
        proxy.stop()
    assert proxy.triggered.is_set()  # the cut really happened during part 2
    site.assert_failed_cleanly(result, "filestore.tar")
    assert site.s3.list_multipart_uploads(Bucket=site.bucket).get("Uploads", []) == []  # aborted
    assert all(not k.endswith("/filestore.tar") for k in site.keys_of_other_sets())
    failure = read_json(site.s3, site.bucket, "odoo/_status/last-failure.json")
    assert failure["outcome"] == "failure" and failure["set"] > site.good


def test_killed_before_the_manifest_leaves_an_incomplete_set(site):
    """Both parts are in S3 but the process dies before the manifest: the set must not count."""
    proxy = BreakingProxy(int(site.moto.rsplit(":", 1)[1]), triggers=(b"/manifest.json ",), mode="stall")
    proc = subprocess.Popen([sys.executable, str(BACKUP), *site.args()], env=site.env(f"http://127.0.0.1:{proxy.port}"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proxy.triggered.wait(120), "the backup never reached its manifest"
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proxy.stop()
    assert proc.returncode == -signal.SIGKILL
    [new_set] = {k.split("/")[1] for k in site.keys_of_other_sets()}
    assert sorted(site.keys_of_other_sets()) == [f"odoo/{new_set}/db.dump.zst", f"odoo/{new_set}/filestore.tar"]
    assert manifest_sets(site.s3, site.bucket) == [site.good]
    listing = run_script(RESTORE, ["--bucket", site.bucket, "--list"], site.env()).stdout
    assert f"{new_set}\tincomplete" in listing and f"{site.good}\tcomplete" in listing
    latest = run_script(RESTORE, ["--bucket", site.bucket, "--show-latest"], site.env())
    assert latest.stdout.strip() == site.good
    refused = run_script(RESTORE, ["--bucket", site.bucket, "--data-dir", site.data_dir, "--set", new_set], site.env())
    assert refused.returncode != 0 and "has no manifest" in refused.stderr


def test_a_full_disk_is_refused_before_starting(site):
    """Nothing is staged any more, but the status file and the lock need room: checked first."""
    require_root()
    require_tool("unshare")
    work = os.path.join(site.data_dir, ".backup-work")
    # A 1 MiB tmpfs over the work dir, in a private mount namespace that vanishes with the process.
    wrapped = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
               'mount -t tmpfs -o size=1m tmpfs "$0" && exec "$@"', work, sys.executable, str(BACKUP), *site.args()]
    result = subprocess.run(wrapped, env=site.env(), capture_output=True, text=True, timeout=300)
    site.assert_failed_cleanly(result, "MiB free in")
    assert site.keys_of_other_sets() == []  # nothing was uploaded at all


def test_database_down(own_pg, moto, s3, bucket, data_dir, tmp_path):
    site = Site(own_pg, moto, s3, bucket, data_dir, tmp_path / "last-run.json")
    own_pg.stop()
    result = site.backup()
    site.assert_failed_cleanly(result, "the database did not accept connections within 3 s")
    assert site.keys_of_other_sets() == []
    assert read_json(s3, bucket, "odoo/_status/last-failure.json")["error"].startswith("the database did not")


@pytest.mark.parametrize("part", ["db.dump.zst", "filestore.tar"])
def test_corrupted_part_is_refused_before_touching_anything(site, part):
    key = f"odoo/{site.good}/{part}"
    body = bytearray(site.s3.get_object(Bucket=site.bucket, Key=key)["Body"].read())
    body[len(body) // 2] ^= 0xFF  # one flipped byte, same size
    site.s3.put_object(Bucket=site.bucket, Key=key, Body=bytes(body))
    filestore_root = os.path.join(site.data_dir, "filestore")
    databases, dirs = site.pg.databases(), sorted(os.listdir(filestore_root))
    before = db_fingerprint(site.pg, DB), tree_fingerprint(os.path.join(filestore_root, DB))

    for extra in ([], ["--target-db", DB, "--force-overwrite"]):
        result = run_script(RESTORE, ["--bucket", site.bucket, "--data-dir", site.data_dir, *extra], site.env())
        assert result.returncode != 0
        assert f"{part} does not match the manifest" in result.stderr
        assert site.pg.databases() == databases
        assert sorted(os.listdir(filestore_root)) == dirs
        assert (db_fingerprint(site.pg, DB), tree_fingerprint(os.path.join(filestore_root, DB))) == before
