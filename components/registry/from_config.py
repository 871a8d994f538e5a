"""Step 6 from the stack config: the repository, the host's pull right and the CI identities.

Returns the stack outputs the workflows read (docs/step6.md names each one and the repository
variable it fills).
"""
from __future__ import annotations

import pulumi

from components.cicd.cicd import Cicd, CicdArgs
from components.cicd.names import ClusterNames
from components.registry.registry import Registry, RegistryArgs
from configs.load import LadderConfig


def build_registry(cfg: LadderConfig, host_role: pulumi.Input[str] | None, key_arn: pulumi.Input[str],
                   backup_key_arn: pulumi.Input[str] | None = None,
                   cluster: ClusterNames | None = None) -> dict[str, pulumi.Input]:
    """cluster: step 7's names (components/cluster/names.py deploy_names), which the deploy role is scoped to."""
    settings = cfg.settings.registry
    keys = [key_arn] + ([backup_key_arn] if backup_key_arn is not None else [])
    if settings.kind == "dockerhub":
        # The image lives on Docker Hub: no repository here. The CI roles only when the stack names its
        # GitHub repository: deploy.yml then pushes to Docker Hub with the repository's secret
        # DOCKERHUB_TOKEN and runs `pulumi up` with the deploy role, which has no ECR right.
        if not settings.github.owner:
            return {}
        cicd = Cicd("cicd", CicdArgs(cfg.stack, cfg.region, settings.github, None, cfg.settings.dns_zone_id, keys,
                                 cluster))
        outputs = {"registry_kind": settings.kind, "dockerhub_username": settings.username}
        if settings.image:
            # Where deploy.yml pushes: the repository of the image the stack runs, without its digest.
            outputs["registry_url"] = settings.image.split("@", 1)[0]
        return {**outputs, "ci_preview_role_arn": cicd.preview_role_arn,
                "ci_deploy_role_arn": cicd.deploy_role_arn, "aws_region": cfg.region}
    registry = Registry("registry", RegistryArgs(cfg.stack, settings.keep_releases, key_arn, host_role))
    cicd = Cicd("cicd", CicdArgs(cfg.stack, cfg.region, settings.github, registry.repository_arn,
                                 cfg.settings.dns_zone_id, keys,
                                 cluster))
    return {"registry_kind": settings.kind, "registry_url": registry.repository_url,
            "ci_preview_role_arn": cicd.preview_role_arn, "ci_deploy_role_arn": cicd.deploy_role_arn,
            "aws_region": cfg.region}
