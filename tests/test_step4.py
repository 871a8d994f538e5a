"""Step 4 under mocks: the backup bucket, its policies and retention, the schedule, and the logs."""
import json

import pytest

from components.backup.host_files import render_host_files
from configs.errors import ConfigError
from configs.load import from_mapping
from ladder.mocked import run_stack
from tests.stacks import aws, compose_of, delivered_apply_script, delivered_file


@pytest.fixture(scope="module")
def step4():
    return run_stack(aws(4), stack="prod")


def test_the_bucket_is_protected_versioned_encrypted_and_private(step4):
    bucket = step4.named("aws:s3/bucket:Bucket", "backup-bucket")
    assert bucket.protect and bucket.retain_on_delete
    assert step4.named("aws:s3/bucketVersioning:BucketVersioning", "backup-versioning").inputs["versioningConfiguration"] == {
        "status": "Enabled"}
    rule = step4.named("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                       "backup-encryption").inputs["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    block = step4.named("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "backup-no-public").inputs
    assert all(block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                          "restrictPublicBuckets"))


def test_the_bucket_refuses_plain_http(step4):
    policy = json.loads(step4.named("aws:s3/bucketPolicy:BucketPolicy", "backup-tls-only").inputs["policy"])
    [deny] = [s for s in policy["Statement"] if s["Sid"] == "DenyPlainHttp"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_retention_keeps_the_configured_days_and_can_go_cold():
    """Expiry and cold storage in detail: tests/backup/test_bucket.py."""
    run = run_stack(aws(4, backup={"keep_days": 90, "cold_after_days": 30}))
    released, tidy = run.named("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "backup-retention").inputs["rules"]
    assert released["expiration"] == {"days": 90}
    assert tidy["transitions"] == [{"days": 30, "storageClass": "STANDARD_IA"}]
    assert tidy["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 2}
    assert tidy["filter"] == {"prefix": "odoo/"}


def test_the_host_may_write_sets_but_not_read_them_back_nor_delete(step4):
    policies = [json.loads(p.inputs["policy"]) for p in step4.of_type("aws:iam/rolePolicy:RolePolicy")
                if p.name == "backup-host"]
    actions = {a for s in policies[0]["Statement"] for a in s["Action"]}
    assert {"s3:PutObject", "s3:ListBucket"} <= actions
    assert not any("Delete" in a for a in actions) and "s3:GetObject" not in actions  # restores: the restore role
    resources = {r for s in policies[0]["Statement"] for r in s["Resource"]}
    assert resources == {"arn:aws:s3:::backup-bucket-0a1b2c3",
                         "arn:aws:s3:::backup-bucket-0a1b2c3/odoo/*", "arn:aws:kms:eu-south-1:123456789012:key/backup-key"}


def test_the_timer_runs_at_the_configured_time_with_the_stack_bucket():
    cfg = from_mapping("prod", aws(4, backup={"time": "01:45"}))
    files = render_host_files(cfg, "prod-backups")
    assert "OnCalendar=*-*-* 01:45:00 UTC" in files["host/systemd/odoo-backup.timer"]
    service = files["host/systemd/odoo-backup.service"]
    assert "--bucket prod-backups" in service and "docker compose -p odoo-prod --project-directory /srv/odoo-ladder exec -T db pg_dump -U postgres" in service
    assert "BACKUP_BUCKET=prod-backups" in files["host/backup.env"]


def test_the_delivery_installs_the_backup_with_the_real_bucket_name(step4):
    assert "systemctl enable --now odoo-backup.timer" in delivered_apply_script(step4)
    assert "BACKUP_BUCKET=backup-bucket-0a1b2c3" in delivered_file(step4, "host/backup.env")
    assert step4.outputs["backup_bucket"] == "backup-bucket-0a1b2c3"


def test_cloudwatch_logs_ship_every_container_to_the_stack_group():
    run = run_stack(aws(4, logs={"cloudwatch": True}), stack="prod")
    group = run.one("aws:cloudwatch/logGroup:LogGroup").inputs
    assert group["tags"] == {"odoo-ladder:stack": "prod"}  # the policy pack's stack-tag rule
    assert group["name"] == "/odoo-ladder/prod" and group["retentionInDays"] == 30
    compose = compose_of(run)
    assert {s["logging"]["driver"] for s in compose["services"].values()} == {"awslogs"}
    policy = json.loads([p for p in run.of_type("aws:iam/rolePolicy:RolePolicy") if p.name == "logs-host"][0]
                        .inputs["policy"])
    assert policy["Statement"][0]["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]


def test_without_cloudwatch_logs_stay_rotated_on_the_host(step4):
    compose = compose_of(step4)
    assert {s["logging"]["driver"] for s in compose["services"].values()} == {"json-file"}
    assert all(s["logging"]["options"] == {"max-size": "10m", "max-file": "5"} for s in compose["services"].values())
    assert not step4.of_type("aws:cloudwatch/logGroup:LogGroup")


def test_cold_storage_must_come_before_expiry():
    with pytest.raises(ConfigError) as caught:
        from_mapping("t", aws(4, backup={"keep_days": 30, "cold_after_days": 30}))
    assert "odoo-ladder:backup.cold_after_days" in str(caught.value)
