"""Step 6 from the stack config: the repository, the host's pull right and the CI identities.

Returns the stack outputs the workflows read (docs/step6.md names each one and the repository
variable it fills).
"""
from __future__ import annotations

import pulumi

from components.cicd.cicd import Cicd, CicdArgs
from components.registry.registry import Registry, RegistryArgs
from configs.load import LadderConfig


def build_registry(cfg: LadderConfig, host_role: pulumi.Input[str] | None, key_arn: pulumi.Input[str],
                   backup_key_arn: pulumi.Input[str] | None = None) -> dict[str, pulumi.Input]:
    settings = cfg.settings.registry
    if settings.kind == "dockerhub":
        # The image lives on Docker Hub: no repository here, and no CI role to push to one (docs/step6.md).
        return {}
    registry = Registry("registry", RegistryArgs(cfg.stack, settings.keep_releases, key_arn, host_role))
    keys = [key_arn] + ([backup_key_arn] if backup_key_arn is not None else [])
    cicd = Cicd("cicd", CicdArgs(cfg.stack, cfg.region, settings.github, registry.repository_arn,
                                 cfg.settings.dns_zone_id, keys))
    return {"registry_url": registry.repository_url, "ci_preview_role_arn": cicd.preview_role_arn,
            "ci_deploy_role_arn": cicd.deploy_role_arn, "aws_region": cfg.region}
