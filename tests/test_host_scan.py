"""The host scan covers Docker's, the logs', the SSM agent's and /tmp's files, bounded in size and
time, and says what its bounds left out. Real scans of real files; the store is moto_server."""
import json
import os

import pytest

from ladder.checks import secrets as checks
from ladder.checks.host_scan import scan
# The shell SSM would run, as the other host-scan tests use it; moto_server is tests/conftest.py's.
from tests.test_verify_secrets import local_shell

REGION = "eu-south-1"
PATH = "/odoo-ladder/scan"
VALUES = {"db_password": "BoundDb111x", "admin_passwd": "BoundMaster222x", "admin_password": "BoundLogin333x"}
SECRET = VALUES["db_password"].encode()


@pytest.fixture
def store(moto_endpoint, monkeypatch):
    import boto3
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_ENDPOINT_URL": moto_endpoint, "AWS_EC2_METADATA_DISABLED": "true"}.items():
        monkeypatch.setenv(name, value)
    ssm = boto3.client("ssm", region_name=REGION)
    for key, value in VALUES.items():
        ssm.put_parameter(Name=f"{PATH}/{key}", Value=value, Type="SecureString", Overwrite=True)


def host_like(root):
    """The new places a secret can land on a Docker host, under a temporary root."""
    files = {
        "var/lib/docker/containers/abc123/config.v2.json": b'{"Env":["PGPASSWORD=' + SECRET + b'"]}',
        "var/lib/docker/containers/abc123/abc123-json.log": b'{"log":"connecting with ' + SECRET + b'"}',
        "var/lib/docker/overlay2/layer1/diff/etc/odoo/odoo.conf": b"db_password = " + SECRET,
        "var/lib/docker/overlay2/layer1/merged/etc/odoo/odoo.conf": b"db_password = " + SECRET,
        "var/log/cloud-init-output.log": b"export DB=" + SECRET,
        "var/lib/amazon/ssm/i-0abc/document/orchestration/cmd/awsrunShellScript/0.aws/stdout": SECRET,
        "tmp/odoo-ladder.tmp": SECRET,
        "var/log/clean.log": b"nothing to see",
    }
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    os.mkfifo(root / "tmp" / "a-fifo")  # opening it would block the scan forever
    return [str(root / r) for r in ("var/lib/docker/containers", "var/log", "var/lib/amazon/ssm", "tmp",
                                    "var/lib/docker")]


def test_the_new_places_are_scanned_once_and_merged_views_skipped(tmp_path):
    report = scan(host_like(tmp_path), [SECRET])
    found = sorted(os.path.relpath(p, tmp_path) for p in report["leaks"])
    assert found == sorted([
        "var/lib/docker/containers/abc123/config.v2.json",
        "var/lib/docker/containers/abc123/abc123-json.log",
        "var/lib/docker/overlay2/layer1/diff/etc/odoo/odoo.conf",
        "var/log/cloud-init-output.log",
        "var/lib/amazon/ssm/i-0abc/document/orchestration/cmd/awsrunShellScript/0.aws/stdout",
        "tmp/odoo-ladder.tmp",
    ])  # each once, though containers/ lies inside /var/lib/docker too; never via merged/
    assert report["scanned"] == 7 and report["unfinished"] == []


def test_files_over_the_size_bound_are_counted_not_read(tmp_path):
    (tmp_path / "big.log").write_bytes(b"x" * (2 * 1024 * 1024) + SECRET)
    (tmp_path / "small.log").write_bytes(b"fine")
    report = scan([str(tmp_path)], [SECRET], max_file_bytes=1024 * 1024)
    assert report["leaks"] == [] and report["skipped_large"] == 1 and report["scanned"] == 1


def test_the_time_bound_names_what_it_did_not_finish(tmp_path):
    roots = host_like(tmp_path)
    report = scan(roots, [SECRET], time_limit=0)
    assert report["unfinished"] == roots and report["scanned"] == 0


def test_the_check_runs_the_bounded_scan_over_the_new_paths(store, tmp_path, monkeypatch):
    roots = host_like(tmp_path)
    monkeypatch.setattr(checks, "HOST_ROOTS", tuple(roots))
    result = checks.check_host_disk(local_shell, "ssm", REGION, PATH)
    assert not result.ok
    assert "config.v2.json" in result.detail and "a-fifo" not in result.detail
    assert "time limit 240 s" in result.detail
    assert not any(value in result.detail for value in VALUES.values())


def test_a_scan_stopped_by_its_time_limit_does_not_pass(store, tmp_path, monkeypatch):
    (tmp_path / "clean").write_text("nothing")
    monkeypatch.setattr(checks, "HOST_ROOTS", (str(tmp_path),))
    monkeypatch.setattr(checks, "SCAN_TIME_LIMIT_SECONDS", 0)
    result = checks.check_host_disk(local_shell, "ssm", REGION, PATH)
    assert not result.ok and result.detail.startswith("incomplete:") and str(tmp_path) in result.detail


def test_the_host_roots_cover_docker_logs_ssm_and_tmp_most_specific_first():
    roots = checks.HOST_ROOTS
    for needed in ("/var/lib/docker", "/var/log", "/var/lib/amazon/ssm", "/tmp"):
        assert needed in roots
    assert roots.index("/var/lib/docker/containers") < roots.index("/var/lib/docker")
    assert "--max-file-mib 16 --time-limit 240" in checks.host_scan_command("ssm", REGION, PATH)


def test_the_report_fits_ssm_output_with_many_leaks(tmp_path):
    for index in range(500):
        (tmp_path / f"leak-{index:03}-{'x' * 60}").write_bytes(SECRET)
    report = scan([str(tmp_path)], [SECRET])
    assert report["leak_count"] == 500 and len(json.dumps(report)) < 24000
