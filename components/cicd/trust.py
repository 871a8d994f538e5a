"""Who may assume the CI roles: GitHub's OIDC tokens, for one repository, one event or environment.

Pure functions; components/cicd/cicd.py registers the roles. GitHub's token carries `aud` (the
audience configure-aws-credentials asks for, sts.amazonaws.com) and `sub` (which repository and
which job context). The trust policy tests both with StringEquals, never StringLike: a wildcard in
`sub` is how a fork, another branch or another environment gets in.

`sub` comes in two forms:
- `repo:OWNER/REPO:<context>`, which follows a rename (a new repository under the old name
  inherits the trust);
- `repo:OWNER@OWNER_ID/REPO@REPO_ID:<context>`, sent by repositories created from July 2026,
  with GitHub's immutable numeric ids. Giving both ids in config selects it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

ISSUER = "token.actions.githubusercontent.com"
PROVIDER_URL = f"https://{ISSUER}"
AUDIENCE = "sts.amazonaws.com"
AUD_KEY = f"{ISSUER}:aud"
SUB_KEY = f"{ISSUER}:sub"

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_ENVIRONMENT = re.compile(r"^[A-Za-z0-9._-]{1,255}$")
_PROVIDER_ARN = re.compile(r"^arn:aws(-[a-z]+)*:iam::\d{12}:oidc-provider/token\.actions\.githubusercontent\.com$")


@dataclass(frozen=True)
class Repository:
    owner: str
    repo: str
    owner_id: Optional[int] = None
    repo_id: Optional[int] = None

    def __post_init__(self):
        for key in ("owner", "repo"):
            if not _NAME.match(getattr(self, key) or ""):
                raise ValueError(f"registry.github.{key}={getattr(self, key)!r}: a GitHub name is needed "
                                 "(letters, digits, '.', '_', '-'), never a wildcard")
        if (self.owner_id is None) != (self.repo_id is None):
            raise ValueError("registry.github.owner_id and repo_id: give both (the immutable `sub` form "
                             "names both ids) or neither")

    @property
    def prefix(self) -> str:
        if self.owner_id is not None:
            return f"repo:{self.owner}@{self.owner_id}/{self.repo}@{self.repo_id}"
        return f"repo:{self.owner}/{self.repo}"


def pull_request_subject(repository: Repository) -> str:
    """A job run for a pull_request event (not pull_request_target, which runs with the base's rights)."""
    return f"{repository.prefix}:pull_request"


def environment_subject(repository: Repository, environment: str) -> str:
    """A job that declares `environment: <name>`; GitHub's protection rules gate who reaches it."""
    if not _ENVIRONMENT.match(environment):
        raise ValueError(f"registry.github.environment={environment!r}: no spaces, '*' or ':'")
    return f"{repository.prefix}:environment:{environment}"


def trust_policy(provider_arn: str, subject: str) -> dict:
    """Only GitHub's provider, only our audience, only this exact subject."""
    if not _PROVIDER_ARN.match(provider_arn):
        raise ValueError(f"registry.github.oidc_provider_arn={provider_arn!r}: expected "
                         "arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com")
    if "*" in subject or "?" in subject:
        raise ValueError(f"subject {subject!r}: a wildcard would widen the trust")
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "GithubOidcExactSubject", "Effect": "Allow", "Principal": {"Federated": provider_arn},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {AUD_KEY: AUDIENCE, SUB_KEY: subject}}}]}
