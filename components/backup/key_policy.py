"""The key policy of the backup bucket's own KMS key: pure function, ARNs in, JSON-ready dict out.

Why a key of its own: with the account's aws/s3 key, any principal allowed s3:GetObject reads full
dumps (password hashes, database.secret, mail and payment credentials). With this key, reading a
set also needs this policy's permission, which names only the host's role.

The host may both encrypt and decrypt, and only through S3 on this bucket: S3 needs kms:Decrypt for
multipart uploads (it reads the data key back for each part), and the host runs the restores. The
account's administrators manage the key (rotation, policy, deletion) but cannot use it for data.
"""
from __future__ import annotations

ADMIN_ACTIONS = ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
                 "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
                 "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
                 "kms:RotateKeyOnDemand"]
DATA_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"]


def backup_key_policy(account_id: str, host_role_arn: str, bucket_arn: str, region: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AccountAdministersTheKeyButNeverUsesIt", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
             "Action": ADMIN_ACTIONS, "Resource": "*"},
            {"Sid": "HostUsesItThroughS3ForThisBucketOnly", "Effect": "Allow",
             "Principal": {"AWS": host_role_arn}, "Action": DATA_ACTIONS, "Resource": "*",
             "Condition": {
                 "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
                 # With an S3 Bucket Key the context is the bucket's ARN, without it the object's.
                 "StringLike": {"kms:EncryptionContext:aws:s3:arn": [bucket_arn, f"{bucket_arn}/*"]}}},
        ],
    }
