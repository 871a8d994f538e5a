"""Sorting a stack's flat `namespace:key` map: ours, the AWS provider's, and the ones that do nothing.

Pulumi passes every key of the stack file to the program and ignores the ones nobody reads, so a typo
in a namespace (`odoo-lader:step`, `aws:regoin`) silently builds something else. Here every key is
either read, or refused (when it looks like ours or AWS's), or warned about.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from configs.errors import NAMESPACE, did_you_mean

SECRET_KEYS = ("db_password", "admin_passwd", "admin_password")
# Secrets only a user can give (never generated): Step 6's Docker Hub pull token.
GIVEN_SECRET_KEYS = ("registry_token",)

# The pulumi-aws provider keys this program accepts (pulumi_aws.config, checked by a test against
# the installed SDK). Left out on purpose: `skipRegionValidation` (the region is validated here),
# `endpoints` and `insecure` (policies and ARNs are written for AWS itself, over verified TLS).
AWS_KEYS = frozenset({
    "region", "profile", "sharedConfigFiles", "sharedCredentialsFiles", "allowedAccountIds",
    "forbiddenAccountIds", "assumeRoles", "assumeRoleWithWebIdentity", "defaultTags", "ignoreTags",
    "maxRetries", "retryMode", "httpProxy", "httpsProxy", "noProxy", "customCaBundle", "stsRegion",
    "skipCredentialsValidation", "skipMetadataApiCheck", "skipRequestingAccountId",
    "ec2MetadataServiceEndpoint", "ec2MetadataServiceEndpointMode", "s3UsePathStyle",
    "s3UsEast1RegionalEndpoint", "useFipsEndpoint", "useDualstackEndpoint", "userAgents",
    "tagPolicyCompliance", "tokenBucketRateLimiterCapacity", "accessKey", "secretKey", "token",
})
AWS_REFUSED = {
    "skipRegionValidation": "aws:region is checked against AWS's region list already; remove it",
    "endpoints": "this program's policies and ARNs are written for AWS itself, not an emulator; remove it",
    "insecure": "TLS verification stays on; remove it, or use aws:customCaBundle for a proxy's CA",
}
# Provider credentials that must be `secure:` like ours.
AWS_SECRET_KEYS = ("secretKey", "token")
# Namespaces read by Pulumi itself (pulumi:tags and the like).
PASSED_NAMESPACES = ("pulumi",)


@dataclass
class SortedKeys:
    ours: dict[str, Any] = field(default_factory=dict)
    provider: dict[str, str] = field(default_factory=dict)
    given_secrets: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _distance(a: str, b: str) -> int:
    """Edit distance counting a swap of neighbours as one edit (asw -> aws), for misspelt namespaces."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def looks_like_ours(namespace: str) -> bool:
    squashed = "".join(ch for ch in namespace.lower() if ch.isalnum())
    return (_distance(squashed, "odooladder") <= 3 or "odoo" in squashed or "ladder" in squashed
            or "lader" in squashed)


def looks_like_aws(namespace: str) -> bool:
    return _distance(namespace.lower(), "aws") <= 1


def sort_keys(config: Mapping[str, Any], secret_keys: Optional[frozenset[str]],
              nested_models: frozenset[str]) -> SortedKeys:
    """`secret_keys`: the keys Pulumi marks secret (`secure:`); None when the caller cannot know."""
    found = SortedKeys()
    for full_key, value in config.items():
        full_key = str(full_key)
        namespace, colon, key = full_key.partition(":")
        if not colon:
            found.problems.append(f"{full_key}: a config key needs its namespace; write {NAMESPACE}:{full_key}")
        elif namespace == NAMESPACE:
            _ours(found, full_key, key, value, secret_keys, nested_models)
        elif namespace == "aws":
            _aws(found, full_key, key, value, secret_keys)
        elif namespace in PASSED_NAMESPACES:
            continue
        elif looks_like_ours(namespace):
            found.problems.append(f"{full_key}: unknown namespace {namespace!r}; did you mean {NAMESPACE}:{key}?")
        elif looks_like_aws(namespace):
            found.problems.append(f"{full_key}: unknown namespace {namespace!r}; did you mean aws:{key}?")
        else:
            found.warnings.append(f"{full_key}: odoo-ladder reads no {namespace}: settings, so this does nothing")
    return found


def _ours(found: SortedKeys, full_key: str, key: str, value: Any, secret_keys, nested_models) -> None:
    if key in SECRET_KEYS or key in GIVEN_SECRET_KEYS:
        if secret_keys is not None and full_key not in secret_keys:
            found.problems.append(
                f"{full_key}: given in plain text, so it would be committed with the stack file; remove it and "
                f"run `pulumi config set --secret {full_key}` (it asks for the value and stores it encrypted)")
        found.given_secrets.add(key)
        return
    head, dot, rest = key.partition(".")
    if dot and head in nested_models:
        found.problems.append(
            f"{full_key}: a flat key with a dot is not read as {head}.{rest}; use a nested map "
            f"({NAMESPACE}:{head}: {{{rest}: ...}}) or `pulumi config set --path {full_key} <value>`")
        return
    found.ours[key] = value


def _aws(found: SortedKeys, full_key: str, key: str, value: Any, secret_keys) -> None:
    if key in AWS_REFUSED:
        found.problems.append(f"{full_key}: not supported: {AWS_REFUSED[key]}")
    elif key not in AWS_KEYS:
        hint = did_you_mean(key, AWS_KEYS)
        found.problems.append(f"{full_key}: not a setting of the AWS provider that odoo-ladder accepts{hint}")
    elif key in AWS_SECRET_KEYS and secret_keys is not None and full_key not in secret_keys:
        found.problems.append(f"{full_key}: given in plain text; remove it and run "
                              f"`pulumi config set --secret {full_key}`, or better use aws:profile")
    else:
        found.provider[full_key] = value
