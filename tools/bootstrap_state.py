"""One command, once per account and region: the S3 bucket and KMS key that hold Pulumi's state
for CI. Not managed by any stack: the state of a stack cannot live in something that stack could
delete, and CI needs the bucket before the first `pulumi up`.

    python3 tools/bootstrap_state.py --region eu-south-1 --stack prod [--bucket NAME]

Idempotent: run it again to re-apply the settings. It creates or re-applies:
- a KMS key (alias/odoo-ladder-state, yearly rotation) for the awskms secrets provider and the bucket;
- the bucket: versioning (a bad write to a checkpoint can be undone), default encryption with the
  key, every public access blocked, objects owned by the bucket owner, a policy that refuses
  any request not made over TLS.
It prints the repository variables and stack settings the workflows and the CI roles read
(docs/step6.md, "Repository variables"), as NAME=value lines.
"""
from __future__ import annotations

import argparse
import json
import sys

import boto3
from botocore.exceptions import ClientError

KEY_ALIAS = "alias/odoo-ladder-state"
# What this tool prints; tests/workflows checks that every variable a workflow reads comes from here
# or from a stack output.
PRINTED = ("AWS_ACCOUNT_ID", "AWS_REGION", "PULUMI_BACKEND_URL", "PULUMI_SECRETS_PROVIDER", "PULUMI_STACK",
           "STATE_BUCKET", "STATE_KEY_ARN")


def tls_only_policy(bucket: str) -> dict:
    arn = f"arn:aws:s3:::{bucket}"
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}


def ensure_key(kms) -> str:
    try:
        return kms.describe_key(KeyId=KEY_ALIAS)["KeyMetadata"]["Arn"]
    except ClientError as err:
        if err.response["Error"]["Code"] != "NotFoundException":
            raise
    key = kms.create_key(Description="odoo-ladder: Pulumi state and its secrets (tools/bootstrap_state.py)",
                         Tags=[{"TagKey": "odoo-ladder:state", "TagValue": "true"}])["KeyMetadata"]
    kms.enable_key_rotation(KeyId=key["KeyId"])
    kms.create_alias(AliasName=KEY_ALIAS, TargetKeyId=key["KeyId"])
    return key["Arn"]


def ensure_bucket(s3, bucket: str, region: str, key_arn: str) -> None:
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as err:
        if err.response["Error"]["Code"] not in ("404", "NoSuchBucket"):
            raise  # 403: the name belongs to someone else
        extra = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=bucket, ObjectOwnership="BucketOwnerEnforced", **extra)
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn},
        "BucketKeyEnabled": True}]})
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(tls_only_policy(bucket)))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--region", required=True)
    parser.add_argument("--stack", required=True, help="the stack deploy.yml deploys (PULUMI_STACK)")
    parser.add_argument("--bucket", help="default: odoo-ladder-state-<account>-<region>")
    parser.add_argument("--endpoint-url", help="an S3/KMS/STS stand-in for tests (moto_server)")
    args = parser.parse_args(argv)
    clients = {name: boto3.client(name, region_name=args.region, endpoint_url=args.endpoint_url)
               for name in ("sts", "kms", "s3")}
    account = clients["sts"].get_caller_identity()["Account"]
    bucket = args.bucket or f"odoo-ladder-state-{account}-{args.region}"
    key_arn = ensure_key(clients["kms"])
    ensure_bucket(clients["s3"], bucket, args.region, key_arn)
    values = {"AWS_ACCOUNT_ID": account, "AWS_REGION": args.region,
              "PULUMI_BACKEND_URL": f"s3://{bucket}?region={args.region}",
              "PULUMI_SECRETS_PROVIDER": f"awskms://{KEY_ALIAS}?region={args.region}",
              "PULUMI_STACK": args.stack, "STATE_BUCKET": bucket, "STATE_KEY_ARN": key_arn}
    assert tuple(values) == PRINTED
    for name, value in values.items():
        print(f"{name}={value}")
    print(f"# stack settings: odoo-ladder:registry.github.state_bucket={bucket} "
          f"odoo-ladder:registry.github.state_key_arn={key_arn}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
