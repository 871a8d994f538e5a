"""The key policy of the backup bucket's own KMS key: pure function, ARNs in, JSON-ready dict out.

Why a key of its own: with the account's aws/s3 key, any principal allowed s3:GetObject reads full
dumps (password hashes, database.secret, mail and payment credentials). With this key, reading a
set also needs this policy's permission, which names only the host's role.

Decrypt only for restore: the host encrypts (GenerateDataKey) and may decrypt only through S3 on
this bucket, which S3 needs for the host's own multipart uploads (it reads the data key back for each
part); reading a set back needs s3:GetObject, which the host's role lacks and the bucket policy denies
it (components/backup/policy.py). Restores read with the restore role (decrypt only, through S3, this
bucket), which an operator assumes and the host cannot. The account's administrators manage the key
(rotation, policy, deletion) but cannot use it for data.
"""
from __future__ import annotations

ADMIN_ACTIONS = ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
                 "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
                 "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
                 "kms:RotateKeyOnDemand"]
DATA_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"]


def through_s3_for(bucket_arn: str, region: str) -> dict:
    return {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
            # With an S3 Bucket Key the context is the bucket's ARN, without it the object's.
            "StringLike": {"kms:EncryptionContext:aws:s3:arn": [bucket_arn, f"{bucket_arn}/*"]}}


def backup_key_policy(account_id: str, host_role_arn: str, bucket_arn: str, region: str,
                      restore_role_arn: str | None = None, task_role_arn: str | None = None,
                      restore_task_role_arn: str | None = None) -> dict:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AccountAdministersTheKeyButNeverUsesIt", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
             "Action": ADMIN_ACTIONS, "Resource": "*"},
            {"Sid": "HostUsesItThroughS3ForThisBucketOnly", "Effect": "Allow",
             "Principal": {"AWS": host_role_arn}, "Action": DATA_ACTIONS, "Resource": "*",
             "Condition": through_s3_for(bucket_arn, region)},
        ],
    }
    if restore_role_arn:
        policy["Statement"].append(
            {"Sid": "RestoreRoleDecryptsThroughS3ForThisBucketOnly", "Effect": "Allow",
             "Principal": {"AWS": restore_role_arn}, "Action": ["kms:Decrypt"], "Resource": "*",
             "Condition": through_s3_for(bucket_arn, region)})
    if task_role_arn:
        # Step 7's backup task writes the sets as the host does. The role is the cluster's, made after
        # this key: KMS refuses a policy naming a principal that does not exist yet, so the account is
        # the principal and the role's ARN the condition.
        policy["Statement"].append(
            {"Sid": "BackupTaskUsesItThroughS3ForThisBucketOnly", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"}, "Action": DATA_ACTIONS, "Resource": "*",
             "Condition": {**through_s3_for(bucket_arn, region), "ArnEquals": {"aws:PrincipalArn": task_role_arn}}})
    if restore_task_role_arn:
        # Step 7's one-off restore task reads sets as the restore role does: decrypt only, named the same way.
        policy["Statement"].append(
            {"Sid": "RestoreTaskDecryptsThroughS3ForThisBucketOnly", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"}, "Action": ["kms:Decrypt"], "Resource": "*",
             "Condition": {**through_s3_for(bucket_arn, region),
                           "ArnEquals": {"aws:PrincipalArn": restore_task_role_arn}}})
    return policy
