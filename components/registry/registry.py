"""Step 6's image registry: one ECR repository per stack, and the host's right to pull from it.

Immutable tags (a tag names one image forever, so a deploy by tag or digest is reproducible),
scan on push, encryption with the stack's own KMS key (components/secrets, whose key policy then
lets ECR make its grant), a lifecycle policy (components/registry/lifecycle.py), and `protect`:
the images of every release live here.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from components.cicd.names import STACK_TAG, repository_name
from components.registry.lifecycle import lifecycle_policy
from components.registry.pull_policy import host_pull_policy


@dataclass
class RegistryArgs:
    stack: str
    keep_releases: int
    kms_key_arn: pulumi.Input[str]
    host_role: Optional[pulumi.Input[str]] = None  # the role name that pulls (EC2, steps <= 6)


class Registry(pulumi.ComponentResource):
    repository_arn: pulumi.Output[str]
    repository_url: pulumi.Output[str]

    def __init__(self, name: str, args: RegistryArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:registry:Registry", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        repository = aws.ecr.Repository(
            f"{name}-repository", name=repository_name(args.stack),
            # The build cache lives in GitHub's cache (type=gha), not in a tag here, so no exclusion.
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration={"scan_on_push": True},
            encryption_configurations=[{"encryption_type": "KMS", "kms_key": args.kms_key_arn}],
            tags={STACK_TAG: args.stack},
            opts=pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True))
        aws.ecr.LifecyclePolicy(f"{name}-lifecycle", repository=repository.name,
                                policy=json.dumps(lifecycle_policy(args.keep_releases)), opts=child)
        if args.host_role is not None:
            aws.iam.RolePolicy(f"{name}-host-pull", role=args.host_role, opts=child,
                               policy=repository.arn.apply(lambda arn: json.dumps(host_pull_policy(arn))))
        self.repository_arn = repository.arn
        self.repository_url = repository.repository_url
        self.register_outputs({"repository_arn": self.repository_arn, "repository_url": self.repository_url})
