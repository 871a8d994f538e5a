"""tools/bootstrap_state.py against moto_server: the bucket and key it leaves, twice in a row."""
import json
import os
import subprocess
import sys

import boto3
import pytest

from tests.stacks import ROOT

ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-south-1"}


def bootstrap(endpoint, *extra):
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "bootstrap_state.py"), "--region", "eu-south-1",
                           "--stack", "prod", "--endpoint-url", endpoint, *extra],
                          env={**os.environ, **ENV}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return dict(line.split("=", 1) for line in done.stdout.splitlines())


def client(name, endpoint):
    return boto3.client(name, region_name="eu-south-1", endpoint_url=endpoint, aws_access_key_id="testing",
                        aws_secret_access_key="testing")


def test_the_bucket_is_versioned_encrypted_with_the_key_private_and_tls_only(moto_endpoint):
    values = bootstrap(moto_endpoint)
    s3, bucket = client("s3", moto_endpoint), values["STATE_BUCKET"]
    assert bucket == "odoo-ladder-state-123456789012-eu-south-1"
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms",
                                                          "KMSMasterKeyID": values["STATE_KEY_ARN"]}
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
    (statement,) = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    assert statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert set(statement["Resource"]) == {f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"}


def test_the_key_rotates_and_the_printed_values_are_what_pulumi_and_the_workflows_need(moto_endpoint):
    values = bootstrap(moto_endpoint)
    kms = client("kms", moto_endpoint)
    assert kms.get_key_rotation_status(KeyId=values["STATE_KEY_ARN"])["KeyRotationEnabled"]
    assert values["PULUMI_BACKEND_URL"] == f"s3://{values['STATE_BUCKET']}?region=eu-south-1"
    assert values["PULUMI_SECRETS_PROVIDER"] == "awskms://alias/odoo-ladder-state?region=eu-south-1"
    assert values["AWS_ACCOUNT_ID"] == "123456789012" and values["PULUMI_STACK"] == "prod"


def test_a_second_run_reuses_the_key_and_the_bucket(moto_endpoint):
    first, second = bootstrap(moto_endpoint), bootstrap(moto_endpoint)
    assert first == second
    assert len([a for a in client("kms", moto_endpoint).list_aliases()["Aliases"]
                if a["AliasName"] == "alias/odoo-ladder-state"]) == 1


def test_the_tls_rule_refuses_plain_http_under_the_evaluator(moto_endpoint):
    from components.secrets.iam_eval import DENY, Request, decide
    from tools.bootstrap_state import tls_only_policy
    policy = tls_only_policy("b")
    request = Request("s3:GetObject", "arn:aws:s3:::b/.pulumi/stacks/odoo-ladder/prod.json", "*",
                      {"aws:SecureTransport": "false"})
    assert decide([policy], request) == DENY
