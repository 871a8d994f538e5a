"""The stack's KMS key policy and alias: pure functions, the `secrets` component registers them.

KMS reads no IAM policy unless the key policy lets it: a key policy that names the account root
delegates to IAM, one that names a role grants directly. The policy here:

- KeyAdministration: the account root (so IAM administrators of the account) may administer the
  key (describe, tag, rotate, change its policy, schedule deletion), never use it. With
  kms:PutKeyPolicy in the account's hands, the key can never become unmanageable, and KMS's
  lockout safety check passes for a deployer whose IAM policy allows PutKeyPolicy.
- HostDecryptViaStore: the host role may Decrypt, only when the stack's store (SSM or Secrets
  Manager, as secrets.store says) asks on its behalf in this region (kms:ViaService) and from this
  account (kms:CallerAccount). A key policy that names a role grants without any IAM policy, so
  this statement alone decides what the host can do with the key.
- DeployerUseViaStore: principals of this account whose own IAM policy allows it (the deployer
  running `pulumi up`) may Encrypt, Decrypt and GenerateDataKey through SSM or Secrets Manager only
  (both, so that moving between stores works in one `pulumi up`):
  PutParameter encrypts with the caller's rights, and Pulumi reads a SecureString back with
  decryption after writing it and on refresh. An account principal without such an IAM grant gets
  nothing, unlike aws/ssm, whose policy lets every principal of the account decrypt through SSM.

No statement lets anyone call Decrypt directly, so a ciphertext taken out of the store is useless,
and no principal outside the account appears.
"""
from __future__ import annotations

import hashlib
import re

from components.secrets.inputs import STORES, check, check_account_place, check_store

# Administration only, listed one by one (no "kms:Create*"-style wildcard that would also match
# what the future adds): what Pulumi and an administrator do with the key and its aliases. No
# CreateGrant here: neither SSM nor Secrets Manager needs grants, and a grant could hand out Decrypt
# (RDS needs them: rds_statements allows grants only through RDS, for its own resources).
ADMIN_ACTIONS = ("kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:GetKeyRotationStatus",
                 "kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:RotateKeyOnDemand",
                 "kms:ListKeyRotations", "kms:EnableKey", "kms:DisableKey", "kms:UpdateKeyDescription",
                 "kms:ListResourceTags", "kms:TagResource", "kms:UntagResource", "kms:CreateAlias",
                 "kms:UpdateAlias", "kms:DeleteAlias", "kms:ListGrants", "kms:RevokeGrant",
                 "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion")
HOST_ACTIONS = ("kms:Decrypt",)
DEPLOYER_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey")

_ROLE_ARN = re.compile(r"^arn:aws(-[a-z]+)*:iam::\d{12}:role/[A-Za-z0-9+=,.@_/-]+$")
# KMS alias names: letters, digits, '/', '_' and '-' (no '.'), 1-256 characters, not alias/aws/.
_ALIAS_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def via_store(region: str) -> list[str]:
    return [f"{store}.{region}.amazonaws.com" for store in STORES]


# ECR (step 6) encrypts the repository with this key through a grant it creates when the repository
# is created, and retires when it is deleted; pushes and pulls then go through that grant.
REGISTRY_ACTIONS = ("kms:CreateGrant", "kms:RetireGrant", "kms:DescribeKey", "kms:Encrypt", "kms:Decrypt",
                    "kms:GenerateDataKey")


# RDS (step 5 on) encrypts storage, Performance Insights and its master secret with the stack's key:
# the deployer may use it through RDS only, and create grants only for RDS's own resources.
RDS_USE_ACTIONS = ("kms:DescribeKey", "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey",
                   "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo")
RDS_GRANT_ACTIONS = ("kms:CreateGrant",)


def rds_statements(root: str, region: str, account_id: str, host_role_arn: str = "", service: str = "rds",
                   name: str = "Rds") -> list[dict]:
    """Also EFS's (step 7: the filestore under the stack's key), which needs the same rights."""
    through_rds = {"kms:ViaService": f"{service}.{region}.amazonaws.com", "kms:CallerAccount": account_id}
    host = [{"Sid": "HostDecryptRdsMasterViaSecretsManager", "Effect": "Allow", "Principal": {"AWS": host_role_arn},
             "Action": list(HOST_ACTIONS), "Resource": "*",
             "Condition": {"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com",
                                            "kms:CallerAccount": account_id}}}] if host_role_arn else []
    # The host reads RDS's master secret (the move, Odoo's role password) through Secrets Manager,
    # whatever store holds the stack's own secrets.
    return host + [
        {"Sid": f"DeployerUseVia{name}", "Effect": "Allow", "Principal": {"AWS": root},
         "Action": list(RDS_USE_ACTIONS), "Resource": "*", "Condition": {"StringEquals": through_rds}},
        {"Sid": f"DeployerGrantVia{name}", "Effect": "Allow", "Principal": {"AWS": root},
         "Action": list(RDS_GRANT_ACTIONS), "Resource": "*",
         "Condition": {"StringEquals": through_rds, "Bool": {"kms:GrantIsForAWSResource": "true"}}},
    ]


def key_policy(partition: str, region: str, account_id: str, host_role_arn: str, store: str,
               registry: bool = False, rds: bool = False, efs: bool = False) -> dict:
    check_store(store)
    check_account_place(partition, region, account_id)
    check("host_role_arn", host_role_arn, _ROLE_ARN, "arn:<partition>:iam::<account>:role/<name>")
    root = f"arn:{partition}:iam::{account_id}:root"
    through_the_store = {"StringEquals": {"kms:ViaService": f"{store}.{region}.amazonaws.com",
                                          "kms:CallerAccount": account_id}}
    through_either_store = {"StringEquals": {"kms:ViaService": via_store(region), "kms:CallerAccount": account_id}}
    statements = [
        {"Sid": "KeyAdministration", "Effect": "Allow", "Principal": {"AWS": root},
         "Action": list(ADMIN_ACTIONS), "Resource": "*"},
        {"Sid": "HostDecryptViaStore", "Effect": "Allow", "Principal": {"AWS": host_role_arn},
         "Action": list(HOST_ACTIONS), "Resource": "*", "Condition": through_the_store},
        {"Sid": "DeployerUseViaStore", "Effect": "Allow", "Principal": {"AWS": root},
         "Action": list(DEPLOYER_ACTIONS), "Resource": "*", "Condition": through_either_store},
    ]
    if registry:
        statements.append(
            {"Sid": "RegistryViaEcr", "Effect": "Allow", "Principal": {"AWS": root},
             "Action": list(REGISTRY_ACTIONS), "Resource": "*",
             "Condition": {"StringEquals": {"kms:ViaService": f"ecr.{region}.amazonaws.com",
                                            "kms:CallerAccount": account_id}}})
    if rds:
        statements += rds_statements(root, region, account_id, host_role_arn)
    if efs:
        statements += rds_statements(root, region, account_id, service="elasticfilesystem", name="Efs")
    return {"Version": "2012-10-17", "Statement": statements}


def key_alias(stack: str) -> str:
    """alias/odoo-ladder-<stack>. A stack name may hold a '.', which aliases refuse: such a name is
    spelled with '_' and a short hash of the real name, so two stacks never share an alias."""
    if not stack:
        raise ValueError("stack='': a stack name is needed for the key's alias")
    safe = _ALIAS_UNSAFE.sub("_", stack)
    if safe != stack:
        safe = f"{safe}-{hashlib.sha256(stack.encode()).hexdigest()[:8]}"
    alias = f"alias/odoo-ladder-{safe}"
    if len(alias) > 256:  # Pulumi's stack names stop at 100 characters; this is a guard, not a path
        raise ValueError(f"stack={stack!r}: too long for a KMS alias (256 characters)")
    return alias
