"""Delivery to the EC2 host through SSM: a bundle in S3, and a small Command document that applies it.

Why SSM and not SSH: nothing but 80/443 (8069 at step 0) is open, the same `pulumi up` works from a
laptop and from CI with AWS credentials alone, and Pulumi waits for the run to succeed.
Why a bundle in S3: an SSM document may hold 64 KB and the project's files outgrow it (Step 4's
made a 100 KB document). The document now names the bundle by its sha256 and stays ~1.5 KB whatever
the project holds; a changed bundle is a new key, a new document version, and another run.
"""
from __future__ import annotations

import base64
import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from components.delivery.apply_script import render_apply_script
from components.delivery.artifact import APPLY_SCRIPT, Artifact, pack
from components.delivery.artifact_bucket import ArtifactBucket, ArtifactBucketArgs

HOST_PROJECT_DIR = "/srv/odoo-ladder"
APPLY_TIMEOUT_SECONDS = 1800


def host_apply_script(stack: str, files: dict[str, str], service, region: str, path: str) -> str:
    """The apply script as the host runs it. It reads no secret itself: the host's writer (a systemd
    unit the script installs) reads the store under `path` in `region` (service.secret_path/region)."""
    return render_apply_script(stack, files, service, HOST_PROJECT_DIR, on_host=True)


def host_artifact(stack: str, files: dict[str, str], service, region: str, path: str) -> Artifact:
    return pack(host_apply_script(stack, files, service, region, path), files)


# Runs with the host's python3 and python3-boto3 (cloud-init installs both): fetch the bundle, refuse
# it unless its sha256 is the one Pulumi rendered, and unpack it with tarfile's "data" filter, which
# rejects absolute paths, links out of the folder and device files.
FETCH = """import boto3, hashlib, io, sys, tarfile
region, bucket, key, sha256, into = sys.argv[1:]
body = boto3.client("s3", region_name=region).get_object(Bucket=bucket, Key=key)["Body"].read()
if hashlib.sha256(body).hexdigest() != sha256:
    sys.exit(f"odoo-ladder: s3://{bucket}/{key} is not the rendered bundle (sha256 differs); nothing applied")
with tarfile.open(fileobj=io.BytesIO(body), mode="r:") as tar:
    tar.extractall(into, filter="data")"""


def render_document_script(region: str, bucket: str, key: str, sha256: str, secret_versions: str = "") -> str:
    """runShellScript runs these lines with /bin/sh. secret_versions: a secret changed by `pulumi up`
    makes a new document, so the host applies again even when the bundle is the same."""
    return f"""set -eu
# secret versions: {secret_versions or 'unknown'}
# Docker, the data volume and python3-boto3 come from cloud-init; wait until it is done.
cloud-init status --wait >/dev/null || true
# A private folder on tmpfs (mktemp makes it 0700), gone when the run ends.
work=$(mktemp -d /run/odoo-ladder-bundle.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 -I - {region} {bucket} {key} {sha256} "$work" <<'ODOO_LADDER_FETCH'
{FETCH}
ODOO_LADDER_FETCH
/bin/bash "$work/{APPLY_SCRIPT}"
"""


def render_document(region: str, bucket: str, key: str, sha256: str, secret_versions: str = "") -> str:
    script = render_document_script(region, bucket, key, sha256, secret_versions)
    return json.dumps({
        "schemaVersion": "2.2",
        "description": "Apply the odoo-ladder compose project from its bundle in S3",
        "mainSteps": [{"action": "aws:runShellScript", "name": "apply",
                       "inputs": {"timeoutSeconds": str(APPLY_TIMEOUT_SECONDS), "runCommand": script.splitlines()}}],
    }, indent=1)


class SsmDeliveryArgs:
    def __init__(self, stack: str, region: str, files: pulumi.Input[dict], service, instance_id: pulumi.Input[str],
                 host_role: pulumi.Input[str], parameter_path: str, depends_on: list[pulumi.Resource],
                 secret_versions: pulumi.Input[str] = ""):
        self.stack = stack
        self.region = region
        self.files = files
        self.service = service
        self.instance_id = instance_id
        self.host_role = host_role
        self.parameter_path = parameter_path
        self.depends_on = depends_on
        self.secret_versions = secret_versions


class SsmDelivery(pulumi.ComponentResource):
    document_name: pulumi.Output[str]
    association_id: pulumi.Output[str]
    bundle_key: pulumi.Output[str]

    def __init__(self, name: str, args: SsmDeliveryArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:delivery:SsmDelivery", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        artifacts = ArtifactBucket(f"{name}-artifacts", ArtifactBucketArgs(args.stack, args.host_role), opts=child)
        artifact = pulumi.Output.from_input(args.files).apply(
            lambda files: host_artifact(args.stack, files, args.service, args.region, args.parameter_path))
        # A new key for every new bundle: Pulumi uploads it, then deletes the old key once all is done.
        upload = aws.s3.BucketObjectv2(
            f"{name}-bundle", bucket=artifacts.bucket_name, key=artifact.apply(lambda a: a.key),
            content_base64=artifact.apply(lambda a: base64.b64encode(a.archive).decode()),
            content_type="application/x-tar", tags={"odoo-ladder:stack": args.stack}, opts=pulumi.ResourceOptions(parent=self, depends_on=artifacts.ready))
        content = pulumi.Output.all(artifacts.bucket_name, artifact, args.secret_versions).apply(
            lambda parts: render_document(args.region, parts[0], parts[1].key, parts[1].sha256, parts[2]))
        document = aws.ssm.Document(
            f"{name}-document", document_type="Command", document_format="JSON", content=content,
            tags={"odoo-ladder:stack": args.stack}, opts=child)
        # A new document version updates the association, which runs it again; Pulumi waits for success.
        association = aws.ssm.Association(
            f"{name}-apply", name=document.name, document_version=document.latest_version,
            targets=[{"key": "InstanceIds", "values": [args.instance_id]}],
            wait_for_success_timeout_seconds=APPLY_TIMEOUT_SECONDS, max_errors="0",
            tags={"odoo-ladder:stack": args.stack}, opts=pulumi.ResourceOptions(parent=self, depends_on=[*args.depends_on, upload, *artifacts.ready]))
        self.document_name = document.name
        self.bundle_key = upload.key
        # Applying again by hand (after a rotation outside Pulumi): aws ssm start-associations-once.
        self.association_id = association.association_id
        self.register_outputs({"document_name": self.document_name, "association_id": self.association_id,
                               "bundle_key": self.bundle_key})
