"""The host's right to pull (pure): the token, and reads of this one repository.

No KMS right: ECR decrypts layers through the grant it made on the stack key when the repository
was created (docs/step6.md), not with the caller's permissions.
"""
from __future__ import annotations

PULL_ACTIONS = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability")


def host_pull_policy(repository_arn: str) -> dict:
    return {"Version": "2012-10-17", "Statement": [
        # GetAuthorizationToken has no resource; the token alone opens no repository.
        {"Sid": "RegistryToken", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {"Sid": "PullThisRepository", "Effect": "Allow", "Action": list(PULL_ACTIONS), "Resource": repository_arn},
    ]}
