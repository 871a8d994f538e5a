"""GitHub Actions' identities in AWS: the OIDC provider and two roles, no access key anywhere.

preview: assumed by pull-request jobs, reads state and plans. deploy: assumed only by jobs in the
protected environment, pushes the image to this stack's repository and runs `pulumi up`.
The policies are in components/cicd/policies.py, the trust in components/cicd/trust.py.
The CI roles carry `odoo-ladder:ci`, not the stack tag, so the deploy role's tag-scoped IAM rights
never reach them (and an explicit Deny says so too).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from components.cicd import policies
from components.cicd.names import ClusterNames, ci_role_name
from components.cicd.trust import (AUDIENCE, PROVIDER_URL, Repository, environment_subject,
                                   pull_request_subject, trust_policy)
from configs.models import GithubSettings


@dataclass
class CicdArgs:
    stack: str
    region: str
    github: GithubSettings
    # The stack's ECR repository, which the deploy role pushes to; None with Docker Hub (no ECR right).
    repository_arn: Optional[pulumi.Input[str]]
    dns_zone_id: Optional[str] = None
    # The stack's KMS keys, which the deploy role uses and manages by ARN only.
    key_arns: Sequence[pulumi.Input[str]] = ()
    # Step 7: the cluster's names (components/cluster/names.py deploy_names) when the stack has it; an image
    # deploy then registers task definitions and rolls the services.
    cluster: Optional[ClusterNames] = None


class Cicd(pulumi.ComponentResource):
    provider_arn: pulumi.Output[str]
    preview_role_arn: pulumi.Output[str]
    deploy_role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: CicdArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:cicd:Cicd", name, None, opts)
        github = args.github
        repository = Repository(github.owner, github.repo, github.owner_id, github.repo_id)
        child = pulumi.ResourceOptions(parent=self)
        if github.oidc_provider_arn:
            provider_arn = pulumi.Output.from_input(github.oidc_provider_arn)
        else:
            # One per account and URL; other stacks may come to trust it, so it outlives this one.
            provider_arn = aws.iam.OpenIdConnectProvider(
                f"{name}-github", url=PROVIDER_URL, client_id_lists=[AUDIENCE],
                tags={"odoo-ladder:ci": args.stack},
                opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True)).arn
        account = aws.get_caller_identity().account_id
        tags = {"odoo-ladder:ci": args.stack}

        def role(purpose: str, subject: str) -> aws.iam.Role:
            return aws.iam.Role(
                f"{name}-{purpose}", name=ci_role_name(args.stack, purpose), tags=tags, max_session_duration=3600,
                assume_role_policy=provider_arn.apply(lambda arn: json.dumps(trust_policy(arn, subject))),
                opts=child)

        preview = role("preview", pull_request_subject(repository))
        deploy = role("deploy", environment_subject(repository, github.environment))
        bucket, key = github.state_bucket, github.state_key_arn
        aws.iam.RolePolicy(f"{name}-preview-read", role=preview.name, opts=child,
                           policy=json.dumps(policies.preview_policy(args.stack, bucket, key)))
        aws.iam.RolePolicy(f"{name}-deploy-state", role=deploy.name, opts=child,
                           policy=json.dumps(policies.deploy_state_policy(args.stack, bucket, key)))
        if args.repository_arn is not None:
            aws.iam.RolePolicy(f"{name}-deploy-push", role=deploy.name, opts=child,
                               policy=pulumi.Output.from_input(args.repository_arn).apply(
                                   lambda arn: json.dumps(policies.push_policy(arn))))
        aws.iam.RolePolicy(f"{name}-deploy-deny-ci", role=deploy.name, opts=child,
                           policy=json.dumps(policies.deny_ci_identity_changes(account)))
        # Managed policies: the infrastructure rights do not fit beside the others in 10,240 inline characters.
        parts = pulumi.Output.all(*args.key_arns).apply(lambda arns: policies.deploy_infrastructure_policies(
            args.stack, args.region, account, args.dns_zone_id, arns))
        for part in ("compute", "data"):
            managed = aws.iam.Policy(f"{name}-deploy-{part}", description=f"odoo-ladder {args.stack}: pulumi up from CI",
                                     tags=tags, policy=parts.apply(lambda p, part=part: json.dumps(p[part])), opts=child)
            aws.iam.RolePolicyAttachment(f"{name}-deploy-{part}", role=deploy.name, policy_arn=managed.arn, opts=child)
        if args.cluster is not None:
            # A third managed policy: the two above are near IAM's 6,144 characters each.
            managed = aws.iam.Policy(f"{name}-deploy-cluster", tags=tags, opts=child,
                                     description=f"odoo-ladder {args.stack}: image deploys to the ECS cluster from CI",
                                     policy=json.dumps(policies.cluster_deploy_policy(args.stack, args.region, account, args.cluster)))
            aws.iam.RolePolicyAttachment(f"{name}-deploy-cluster", role=deploy.name, policy_arn=managed.arn, opts=child)
        self.provider_arn = provider_arn
        self.preview_role_arn = preview.arn
        self.deploy_role_arn = deploy.arn
        self.register_outputs({"provider_arn": self.provider_arn, "preview_role_arn": self.preview_role_arn,
                               "deploy_role_arn": self.deploy_role_arn})
