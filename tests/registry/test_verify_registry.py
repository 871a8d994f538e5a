"""`ladder verify` at step 6 against moto_server's ECR: the repository's settings, the deployed
digest against the newest build, and the scan verdict."""
import json
import time

import boto3
import pytest

from configs.load import from_mapping
from ladder.checks.registry import check_repository, check_running_is_newest, check_scan, scan_verdict
from tests.cicd.stack import registry_config

NAME = "odoo-ladder/prod"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture
def ecr(moto_endpoint):
    client = boto3.client("ecr", region_name="eu-south-1", endpoint_url=moto_endpoint, aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    for repository in client.describe_repositories()["repositories"]:
        client.delete_repository(repositoryName=repository["repositoryName"], force=True)
    return client


def repository(ecr, **settings):
    ecr.create_repository(repositoryName=NAME, **{
        "imageTagMutability": "IMMUTABLE", "imageScanningConfiguration": {"scanOnPush": True},
        "encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": "arn:aws:kms:eu-south-1:123456789012:key/k"},
        **settings})


def push(ecr, tag: str, seed: str) -> str:
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 1,
                                      "digest": "sha256:" + seed * 64},
                           # moto derives the digest from the layers; real ECR from the manifest bytes.
                           "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "size": 1,
                                       "digest": "sha256:" + seed * 64}]})
    digest = ecr.put_image(repositoryName=NAME, imageManifest=manifest, imageTag=tag)["image"]["imageId"]["imageDigest"]
    # moto does not scan on push as ECR does: ask for the scan the push would have made.
    ecr.start_image_scan(repositoryName=NAME, imageId={"imageDigest": digest})
    time.sleep(1.1)  # imagePushedAt has one-second resolution
    return digest


def test_the_repository_settings_pass_and_a_mutable_one_fails(ecr):
    repository(ecr)
    assert check_repository(ecr, NAME).ok
    ecr.delete_repository(repositoryName=NAME, force=True)
    repository(ecr, imageTagMutability="MUTABLE", imageScanningConfiguration={"scanOnPush": False})
    result = check_repository(ecr, NAME)
    assert not result.ok and "scan on push is off" in result.detail and "MUTABLE" in result.detail


def test_a_missing_repository_fails_with_advice(ecr):
    result = check_repository(ecr, NAME)
    assert not result.ok and "pulumi up" in result.detail


def test_the_running_digest_must_be_the_newest_deploy_build(ecr):
    repository(ecr)
    old = push(ecr, "sha-1111", "a")
    new = push(ecr, "sha-2222", "b")
    push(ecr, "scratch", "c")  # not a deploy build: ignored
    assert check_running_is_newest(ecr, NAME, f"x/{NAME}@{new}").ok
    behind = check_running_is_newest(ecr, NAME, f"x/{NAME}@{old}")
    assert not behind.ok and "sha-2222" in behind.detail


def test_the_scan_of_the_running_image_is_read(ecr):
    repository(ecr)
    digest = push(ecr, "sha-3333", "d")
    result = check_scan(ecr, NAME, f"x/{NAME}@{digest}")
    assert result.ok and "HIGH" in result.detail  # moto's canned finding is HIGH


def test_critical_findings_fail_and_are_named():
    """A DescribeImageScanFindings answer written here (moto's canned scan has no CRITICAL)."""
    response = {"imageScanStatus": {"status": "COMPLETE"}, "imageScanFindings": {
        "findingSeverityCounts": {"CRITICAL": 2, "LOW": 3},
        "findings": [{"name": "CVE-2026-0001", "severity": "CRITICAL"}, {"name": "CVE-2026-0002", "severity": "CRITICAL"},
                     {"name": "CVE-2026-0003", "severity": "LOW"}]}}
    ok, detail = scan_verdict(response)
    assert not ok and "CVE-2026-0001" in detail and "CVE-2026-0002" in detail and "CVE-2026-0003" not in detail
    assert scan_verdict({"imageScanStatus": {"status": "IN_PROGRESS"}})[0] is False


def test_verify_runs_the_registry_checks_for_a_registry_stack(ecr, moto_endpoint, monkeypatch):
    from ladder.verify import registry_checks
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    repository(ecr)
    digest = push(ecr, "sha-4444", "e")
    config = registry_config()
    config["odoo-ladder:registry"] = {**config["odoo-ladder:registry"],
                                      "image": f"123456789012.dkr.ecr.eu-south-1.amazonaws.com/{NAME}@{digest}"}
    cfg = from_mapping("prod", config)
    results = registry_checks(cfg)
    assert [r.ok for r in results] == [True, True, True], [r.line() for r in results]


def test_verify_reads_what_the_host_runs_and_compares_it_with_the_stack_and_the_newest_build(ecr, moto_endpoint,
                                                                                             monkeypatch):
    """The host's Docker is asked through SSM (here a stand-in runner): the container's image must be
    the stack's digest and the newest build; an older one left running fails both, naming them."""
    from ladder.verify import registry_checks
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    repository(ecr)
    old = push(ecr, "sha-1111", "1")
    new = push(ecr, "sha-2222", "2")
    url = f"123456789012.dkr.ecr.eu-south-1.amazonaws.com/{NAME}"
    config = registry_config()
    config["odoo-ladder:registry"] = {**config["odoo-ladder:registry"], "image": f"{url}@{new}"}
    cfg = from_mapping("prod", config)
    asked = []

    def host_running(reference):
        def run(command):
            asked.append(command)
            return f"{reference}\n"
        return run
    results = registry_checks(cfg, run_on_host=host_running(f"{url}@{new}"))
    assert [r.ok for r in results] == [True, True, True, True], [r.line() for r in results]
    assert "label=com.docker.compose.project=odoo-prod" in asked[0] and "com.docker.compose.service=odoo" in asked[0]
    stale = registry_checks(cfg, run_on_host=host_running(f"{url}@{old}"))
    host, newest = stale[1], stale[2]
    assert not host.ok and old in host.detail and new in host.detail and "rollout" in host.detail
    assert not newest.ok and old[:19] in newest.detail
    nothing = registry_checks(cfg, run_on_host=lambda command: "")
    assert not nothing[1].ok and "no running odoo container" in nothing[1].detail
