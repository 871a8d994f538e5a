"""database.snapshot_export: the bucket, role and KMS grant under mocks; `ladder snapshot-export`
against botocore's Stubber (its requests checked against the RDS model)."""
import datetime
import json

import boto3
import pytest
from botocore.stub import Stubber

from components.database.snapshot_export import GRANT_OPERATIONS
from ladder.mocked import run_stack
from ladder.snapshot_export import EXPORT_ID_MAX, export_identifier, start_export
from tests.stacks import aws

KEY = "arn:aws:kms:eu-south-1:123456789012:key/secrets-key"
ROLE = "arn:aws:iam::123456789012:role/database-export-role-0a1b2c3"
OLD, NEW = (datetime.datetime(2026, 11, d, 2, 10, tzinfo=datetime.timezone.utc) for d in (25, 26))


def snapshot(when, status="available"):
    return {"DBSnapshotIdentifier": f"rds:odoo-ladder-prod-{when:%Y-%m-%d-%H-%M}", "Status": status,
            "SnapshotCreateTime": when, "DBSnapshotArn": f"arn:aws:rds:eu-south-1:123456789012:snapshot:"
                                                         f"rds:odoo-ladder-prod-{when:%Y-%m-%d-%H-%M}"}


@pytest.fixture(scope="module")
def exported():
    return run_stack(aws(5, database={"snapshot_export": True}), stack="prod")


def test_only_rds_exports_of_this_account_may_assume_the_role(exported):
    role = exported.named("aws:iam/role:Role", "database-export-role")
    [statement] = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"Service": "export.rds.amazonaws.com"}
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}


def test_the_role_writes_only_under_the_export_prefix_of_its_bucket(exported):
    policy = json.loads(exported.named("aws:iam/rolePolicy:RolePolicy", "database-export-write").inputs["policy"])
    listing, writing = policy["Statement"]
    assert listing["Resource"] == ["arn:aws:s3:::database-exports-0a1b2c3"]
    assert writing["Resource"] == ["arn:aws:s3:::database-exports-0a1b2c3/exports/*"]
    assert not any(action in ("s3:*", "*") for s in policy["Statement"] for action in s["Action"])


def test_the_key_is_granted_to_the_role_and_the_bucket_is_private_and_encrypted(exported):
    grant = exported.named("aws:kms/grant:Grant", "database-export-grant").inputs
    assert grant["keyId"] == KEY and grant["granteePrincipal"] == ROLE
    assert sorted(grant["operations"]) == sorted(GRANT_OPERATIONS)
    block = exported.named("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "database-exports-no-public")
    assert all(block.inputs[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                         "restrictPublicBuckets"))
    assert exported.named("aws:s3/bucket:Bucket", "database-exports").retain_on_delete
    assert exported.outputs["snapshot_export_role"] == ROLE and exported.outputs["kms_key_arn"] == KEY


def test_without_the_setting_nothing_is_made():
    run = run_stack(aws(5), stack="prod")
    assert not [r for r in run.resources if "export" in r.name] and "snapshot_export_bucket" not in run.outputs


def test_the_newest_available_automated_snapshot_is_exported():
    rds = boto3.client("rds", region_name="eu-south-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(rds) as stub:
        stub.add_response("describe_db_snapshots", {"DBSnapshots": [snapshot(OLD), snapshot(NEW),
                                                                    snapshot(NEW + datetime.timedelta(hours=1),
                                                                             "creating")]},
                          {"DBInstanceIdentifier": "odoo-ladder-prod", "SnapshotType": "automated"})
        stub.add_response("start_export_task", {"ExportTaskIdentifier": "odoo-ladder-prod-export-20261126-0210",
                                                "Status": "STARTING"},
                          {"ExportTaskIdentifier": "odoo-ladder-prod-export-20261126-0210",
                           "SourceArn": snapshot(NEW)["DBSnapshotArn"], "S3BucketName": "database-exports-0a1b2c3",
                           "S3Prefix": "exports/odoo-ladder-prod", "IamRoleArn": ROLE, "KmsKeyId": KEY})
        answer = start_export(rds, "odoo-ladder-prod", "database-exports-0a1b2c3", ROLE, KEY)
    assert answer["Status"] == "STARTING"


def test_no_snapshot_yet_says_when_there_will_be_one():
    rds = boto3.client("rds", region_name="eu-south-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(rds) as stub, pytest.raises(LookupError, match="database.backup_window"):
        stub.add_response("describe_db_snapshots", {"DBSnapshots": []})
        start_export(rds, "odoo-ladder-prod", "b", ROLE, KEY)


@pytest.mark.parametrize("identifier", ["odoo-ladder-prod", "odoo-ladder-" + "a" * 50, "odoo-ladder-x-y"])
def test_export_identifiers_are_what_rds_accepts(identifier):
    name = export_identifier(identifier, NEW)
    assert len(name) <= EXPORT_ID_MAX and name[0].isalpha() and "--" not in name and not name.endswith("-")
    assert name.endswith("-export-20261126-0210")


def test_the_command_refuses_a_stack_without_the_setting(capsys):
    from ladder.cli import main
    assert main(["snapshot-export", "configs/stacks/step5.yaml", "--bucket", "b", "--role-arn", ROLE,
                 "--kms-key", KEY]) == 2
    assert "odoo-ladder:database.snapshot_export: set it to true" in capsys.readouterr().err
