"""The SSM delivery: the bundle bucket under mocks, and the document's script run for real.

The document's script runs with sh against moto_server's S3 (a loopback stand-in for S3), with the
real python3 + boto3 doing the fetch; only `cloud-init` is a stand-in (there is no cloud here).
"""
import base64
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import boto3
import pytest

from components.delivery.artifact import pack
from components.delivery.ssm import render_document_script
from ladder.mocked import run_stack
from tests.peers import start_moto, stop
from tests.stacks import aws, delivered_bundle

BUCKET = "odoo-ladder-test-bundles-00000000000000000000000000"
# Stands in for the bundled apply script: says where it ran and what it found beside it.
PROBE = """#!/bin/bash
set -eu
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
stat -c %a "$here" > "$OUT/mode"
cp "$here/project/docker-compose.yml" "$OUT/compose"
echo "$here" > "$OUT/where"
"""


@pytest.fixture(scope="module")
def s3():
    proc, endpoint = start_moto()
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_ENDPOINT_URL": endpoint}
    client = boto3.client("s3", region_name="eu-south-1", endpoint_url=endpoint,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-south-1"})
    yield client, env
    stop(proc)


def run_document(tmp_path: Path, env: dict, key: str, sha256: str) -> subprocess.CompletedProcess:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "cloud-init").write_text("#!/bin/sh\nexit 0\n")  # stand-in: cloud-init is done
    (bin_dir / "cloud-init").chmod(0o755)
    (bin_dir / "python3").symlink_to(sys.executable)  # a python3 with boto3, as the host has
    script = render_document_script("eu-south-1", BUCKET, key, sha256).replace(
        "/run/odoo-ladder-bundle.", f"{tmp_path}/odoo-ladder-bundle.")
    out = tmp_path / "out"
    out.mkdir()
    return subprocess.run(["sh", "-c", script], capture_output=True, text=True,
                          env={"PATH": f"{bin_dir}:{os.environ['PATH']}", "OUT": str(out), **env})


def test_the_document_fetches_the_bundle_and_runs_its_apply_script_in_a_private_folder(s3, tmp_path):
    client, env = s3
    artifact = pack(PROBE, {"docker-compose.yml": "services: {}\n"})
    client.put_object(Bucket=BUCKET, Key=artifact.key, Body=artifact.archive)
    result = run_document(tmp_path, env, artifact.key, artifact.sha256)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert (out / "compose").read_text() == "services: {}\n"
    assert (out / "mode").read_text().strip() == "700"
    assert not Path((out / "where").read_text().strip()).exists(), "the unpacked bundle must not outlive the run"


def test_a_bundle_that_is_not_the_rendered_one_is_refused_before_anything_runs(s3, tmp_path):
    client, env = s3
    rendered = pack(PROBE, {"docker-compose.yml": "services: {}\n"})
    tampered = pack(PROBE + "echo tampered\n", {"docker-compose.yml": "services: {}\n"})
    client.put_object(Bucket=BUCKET, Key=rendered.key, Body=tampered.archive)
    result = run_document(tmp_path, env, rendered.key, rendered.sha256)
    assert result.returncode != 0
    assert "is not the rendered bundle (sha256 differs); nothing applied" in result.stderr
    assert list((tmp_path / "out").iterdir()) == []


def test_a_bundle_member_that_escapes_its_folder_is_refused(s3, tmp_path):
    client, env = s3
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        data = b"owned\n"
        info = tarfile.TarInfo("../escaped")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    archive = buffer.getvalue()
    sha256 = hashlib.sha256(archive).hexdigest()
    client.put_object(Bucket=BUCKET, Key=f"bundles/{sha256}.tar", Body=archive)
    result = run_document(tmp_path, env, f"bundles/{sha256}.tar", sha256)
    assert result.returncode != 0
    assert not (tmp_path / "escaped").exists()


@pytest.fixture(scope="module")
def step0():
    return run_stack(aws(), stack="prod")


def test_the_document_names_the_uploaded_bundle_by_its_sha256(step0):
    upload = step0.one("aws:s3/bucketObjectv2:BucketObjectv2").inputs
    archive = base64.b64decode(upload["contentBase64"])
    sha256 = hashlib.sha256(archive).hexdigest()
    assert upload["key"] == f"bundles/{sha256}.tar"
    document = step0.one("aws:ssm/document:Document").inputs["content"]
    command = "\n".join(json.loads(document)["mainSteps"][0]["inputs"]["runCommand"])
    assert f" {upload['key']} {sha256} " in command
    assert "apply.sh" in delivered_bundle(step0)


def test_a_changed_project_is_a_new_bundle_key_and_a_new_document(step0):
    changed = run_stack(aws(odoo={"workers": 5}), stack="prod")
    for type_ in ("aws:s3/bucketObjectv2:BucketObjectv2", "aws:ssm/document:Document"):
        assert changed.one(type_).inputs != step0.one(type_).inputs, type_
    again = run_stack(aws(), stack="prod")
    assert again.one("aws:s3/bucketObjectv2:BucketObjectv2").inputs["key"] == \
        step0.one("aws:s3/bucketObjectv2:BucketObjectv2").inputs["key"], "the same config must give the same bundle"


def test_the_bundle_bucket_is_private_tls_only_encrypted_and_expires_only_replaced_bundles(step0):
    bucket = step0.named("aws:s3/bucket:Bucket", "app-ssm-artifacts-bucket").inputs
    assert bucket["bucketPrefix"] == "odoo-ladder-prod-bundles-" and bucket["forceDestroy"] is True
    block = step0.named("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "app-ssm-artifacts-no-public").inputs
    assert all(block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                          "restrictPublicBuckets"))
    [deny] = json.loads(step0.named("aws:s3/bucketPolicy:BucketPolicy", "app-ssm-artifacts-tls-only")
                        .inputs["policy"])["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    sse = step0.named("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                      "app-ssm-artifacts-encryption").inputs["rules"][0]
    assert sse["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"
    [rule] = step0.named("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                         "app-ssm-artifacts-expiry").inputs["rules"]
    assert rule["filter"] == {"prefix": "bundles/"} and rule["noncurrentVersionExpiration"] == {"noncurrentDays": 7}
    # The current bundle never expires: the association may need it again (e.g. for a new instance).
    assert "days" not in rule["expiration"]


def test_the_host_may_only_read_bundles(step0):
    policy = json.loads(step0.named("aws:iam/rolePolicy:RolePolicy", "app-ssm-artifacts-host-read").inputs["policy"])
    [statement] = policy["Statement"]
    assert statement["Effect"] == "Allow" and statement["Action"] == "s3:GetObject"
    assert statement["Resource"].endswith("/bundles/*")
