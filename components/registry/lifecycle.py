"""The repository's lifecycle policy (pure): what ECR may expire, so storage does not grow forever.

Rules run by priority, and an image that matches one rule's tag selection is never expired by a
lower one: release tags (`v*`, the git tag verbatim) are kept by rule 2 and safe from rule 3.
"""
from __future__ import annotations

UNTAGGED_DAYS = 7
# Builds of main that were never released (tag `sha-<commit>`): enough to roll back a few merges.
KEEP_BUILDS = 30
RELEASE_PATTERN = "v*"


def lifecycle_policy(keep_releases: int) -> dict:
    if keep_releases < 1:
        raise ValueError("registry.keep_releases must be at least 1: the running release must stay")
    return {"rules": [
        {"rulePriority": 1, "description": f"untagged layers and manifests: {UNTAGGED_DAYS} days",
         "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                       "countNumber": UNTAGGED_DAYS},
         "action": {"type": "expire"}},
        {"rulePriority": 2, "description": f"keep the last {keep_releases} releases",
         "selection": {"tagStatus": "tagged", "tagPatternList": [RELEASE_PATTERN],
                       "countType": "imageCountMoreThan", "countNumber": keep_releases},
         "action": {"type": "expire"}},
        {"rulePriority": 3, "description": f"keep the last {KEEP_BUILDS} other builds",
         "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": KEEP_BUILDS},
         "action": {"type": "expire"}},
    ]}
