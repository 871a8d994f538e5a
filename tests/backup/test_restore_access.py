"""The host encrypts, and decrypts only for restore: every document the step 4 plan registers (the
host role's policies, the bucket policy, the backup key's policy, the restore role's trust and
policy), evaluated the way IAM and KMS do (components/secrets/iam_eval.py). Mocks accept any
document and moto does not enforce them, so this is the proof."""
import json

import pytest

from components.secrets.iam_eval import ALLOW, DENY, IMPLICIT_DENY, Request, decide, kms_decision
from ladder.mocked import ACCOUNT, run_stack
from tests.stacks import aws

REGION = "eu-south-1"
BUCKET = "arn:aws:s3:::backup-bucket-0a1b2c3"
SET_PART = f"{BUCKET}/odoo/2026-01-31T031500Z/db.dump.zst"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/backup-key"
HOST = f"arn:aws:iam::{ACCOUNT}:role/host-role-0a1b2c3"
RESTORE = f"arn:aws:iam::{ACCOUNT}:role/backup-restore-0a1b2c3"
OPERATOR = f"arn:aws:iam::{ACCOUNT}:user/ops"
THROUGH_S3 = {"kms:ViaService": f"s3.{REGION}.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": BUCKET}
# What an administrator might attach to the host role one day: the bucket and the trust still say no.
TOO_BROAD = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "sts:AssumeRole"],
                                                     "Resource": "*"}]}


@pytest.fixture(scope="module")
def plan():
    run = run_stack(aws(4), stack="prod")
    policies = {}
    for p in run.of_type("aws:iam/rolePolicy:RolePolicy"):
        policies.setdefault(p.inputs["role"], []).append(json.loads(p.inputs["policy"]))
    restore = run.named("aws:iam/role:Role", "backup-restore")
    return {"host": policies["host-role-0a1b2c3"], "restore": policies["backup-restore-0a1b2c3"],
            "trust": json.loads(restore.inputs["assumeRolePolicy"]),
            "bucket": json.loads(run.named("aws:s3/bucketPolicy:BucketPolicy", "backup-tls-only").inputs["policy"]),
            "key": json.loads(run.named("aws:kms/key:Key", "backup-key").inputs["policy"]),
            "restore_role": restore}


def s3(plan, who, identity, action, resource=SET_PART):
    context = {"aws:PrincipalArn": who, "aws:SecureTransport": "true"}
    return decide([*identity, plan["bucket"]], Request(action, resource, who, context))


def test_the_host_uploads_and_tags_but_never_reads_a_set_back(plan):
    assert s3(plan, HOST, plan["host"], "s3:PutObject") == ALLOW
    assert s3(plan, HOST, plan["host"], "s3:PutObjectTagging") == ALLOW
    assert s3(plan, HOST, plan["host"], "s3:GetObject") == DENY
    assert s3(plan, HOST, plan["host"], "s3:GetObjectVersion") == DENY
    # Even with a broad policy added to its role later: the bucket's explicit Deny wins.
    assert s3(plan, HOST, [*plan["host"], TOO_BROAD], "s3:GetObject") == DENY


def test_the_host_encrypts_and_decrypts_only_inside_s3_for_this_bucket(plan):
    """S3 decrypts the data key for each part of the host's multipart uploads; outside S3 (a direct
    kms:Decrypt of a stolen ciphertext) or for another bucket the key says no."""
    for action in ("kms:GenerateDataKey", "kms:Decrypt"):
        assert kms_decision(plan["key"], plan["host"], Request(action, KEY, HOST, THROUGH_S3)) == ALLOW
    assert kms_decision(plan["key"], plan["host"], Request("kms:Decrypt", KEY, HOST, {})) == IMPLICIT_DENY
    other = {**THROUGH_S3, "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::someone-else"}
    assert kms_decision(plan["key"], plan["host"], Request("kms:Decrypt", KEY, HOST, other)) == IMPLICIT_DENY


def test_the_restore_role_reads_sets_and_decrypts_through_s3_only(plan):
    assert s3(plan, RESTORE, plan["restore"], "s3:GetObject") == ALLOW
    assert s3(plan, RESTORE, plan["restore"], "s3:ListBucket", BUCKET) == IMPLICIT_DENY  # needs the prefix
    assert decide(plan["restore"], Request("s3:ListBucket", BUCKET, RESTORE, {"s3:prefix": "odoo/"})) == ALLOW
    assert kms_decision(plan["key"], plan["restore"], Request("kms:Decrypt", KEY, RESTORE, THROUGH_S3)) == ALLOW
    assert kms_decision(plan["key"], plan["restore"], Request("kms:Decrypt", KEY, RESTORE, {})) == IMPLICIT_DENY
    # It writes nothing and encrypts nothing: a stolen restore session cannot plant or rewrite a set.
    for action in ("s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject"):
        assert s3(plan, RESTORE, plan["restore"], action) == IMPLICIT_DENY
    assert kms_decision(plan["key"], plan["restore"], Request("kms:GenerateDataKey", KEY, RESTORE,
                                                              THROUGH_S3)) == IMPLICIT_DENY


def test_operators_may_assume_the_restore_role_and_the_host_never(plan):
    assume = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                      "Resource": RESTORE}]}
    role = plan["restore_role"].inputs
    assert role["maxSessionDuration"] == 4 * 3600 and role["tags"] == {"odoo-ladder:stack": "prod"}

    def trust(who, identity):  # a trust naming the account root delegates to the caller's own policies
        return kms_decision(plan["trust"], identity, Request("sts:AssumeRole", RESTORE, who, {"aws:PrincipalArn": who}))
    assert trust(OPERATOR, [assume]) == ALLOW
    assert trust(OPERATOR, []) == IMPLICIT_DENY
    assert trust(HOST, plan["host"]) == DENY
    assert trust(HOST, [*plan["host"], TOO_BROAD]) == DENY


def test_the_stack_exports_the_restore_role():
    run = run_stack(aws(4), stack="prod")
    assert run.outputs["backup_restore_role_arn"] == RESTORE


def test_a_restore_with_the_hosts_own_role_says_which_credentials_it_needs():
    import importlib.machinery
    import importlib.util

    import botocore.exceptions
    from tests.backup.helpers import RESTORE as SCRIPT
    loader = importlib.machinery.SourceFileLoader("odoo_restore_script", str(SCRIPT))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    denied = botocore.exceptions.ClientError({"Error": {"Code": "AccessDenied", "Message": "denied"}}, "GetObject")
    assert "backup_restore_role_arn" in module.access_hint(denied)
    missing = botocore.exceptions.ClientError({"Error": {"Code": "NoSuchKey", "Message": "no"}}, "GetObject")
    assert module.access_hint(missing) == ""
