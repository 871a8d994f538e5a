"""Resources as plan records (ladder.plan's shape), for the rules' passing and failing fixtures.

Input names are pulumi-aws's (camelCase, as the engine hands them to the pack); test_input_names.py
checks every name used here against the pinned pulumi-aws. A link between resources is written as
ladder.mocked writes it: the input holds "<name>-id".
"""
from __future__ import annotations

import json

TAGS = {"odoo-ladder:stack": "test"}


def record(type_: str, logical: str, /, protect: bool = False, retain: bool = False, **inputs) -> dict:
    """A plan record; `logical` is the Pulumi name, and inputs may have a `name` of their own."""
    return {"type": type_, "name": logical, "parent": None, "inputs": inputs, "protect": protect,
            "retain_on_delete": retain}


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def group(*ingress: tuple) -> dict:
    """ingress: (protocol, from, to, [cidrs])"""
    return record("aws:ec2/securityGroup:SecurityGroup", "sg", tags=TAGS, ingress=[
        {"protocol": p, "fromPort": float(a), "toPort": float(b), "cidrBlocks": [c for c in cidrs if ":" not in c],
         "ipv6CidrBlocks": [c for c in cidrs if ":" in c]} for p, a, b, cidrs in ingress])


def instance(hops=1, tokens="required", root_encrypted=True, **more) -> dict:
    return record("aws:ec2/instance:Instance", "host", tags=TAGS, ami="ami-0fedcba9876543210",
                  instanceType="t3.medium",
                  metadataOptions={"httpTokens": tokens, "httpEndpoint": "enabled", "httpPutResponseHopLimit": hops},
                  rootBlockDevice={"encrypted": root_encrypted, "volumeSize": 20.0, "volumeType": "gp3"}, **more)


TLS_ONLY = doc({"Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}})


def bucket_set(name: str = "data", policy: str | None = TLS_ONLY, versioning: str | None = "Enabled",
               public_block: bool | None = True, encryption: bool = True, object_lock: bool = False,
               **bucket_inputs) -> list[dict]:
    """A bucket with its pulumi-aws v7 companions, as components/backup registers them."""
    link = f"{name}-bucket-id"
    records = [record("aws:s3/bucket:Bucket", f"{name}-bucket", protect=True, retain=True, tags=TAGS,
                      **({"objectLockEnabled": True} if object_lock else {}), **bucket_inputs)]
    if public_block is not None:
        records.append(record("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", f"{name}-no-public",
                              bucket=link, blockPublicAcls=True, blockPublicPolicy=public_block,
                              ignorePublicAcls=True, restrictPublicBuckets=True))
    if policy is not None:
        records.append(record("aws:s3/bucketPolicy:BucketPolicy", f"{name}-policy", bucket=link, policy=policy))
    if versioning is not None:
        records.append(record("aws:s3/bucketVersioning:BucketVersioning", f"{name}-versioning", bucket=link,
                              versioningConfiguration={"status": versioning}))
    if encryption:
        records.append(record("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                              f"{name}-encryption", bucket=link,
                              rules=[{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]))
    return records


def github_role(condition: dict) -> dict:
    return record("aws:iam/role:Role", "deploy", tags=TAGS, assumeRolePolicy=doc({
        "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
        "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
        "Condition": condition}))


GITHUB = "token.actions.githubusercontent.com"
SUB = "repo:example/odoo-ladder:ref:refs/heads/main"
