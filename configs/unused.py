"""Settings that are legal but do nothing at the stack's step or target: warned about, not refused.

Only keys the stack file sets explicitly are looked at (pydantic's `model_fields_set`), so the
defaults never warn.
"""
from __future__ import annotations

from configs.gates import Components
from configs.models import StackSettings


def _set(model, *names: str) -> list[str]:
    return [name for name in names if name in model.model_fields_set]


def unused_settings(settings: StackSettings, components: Components) -> list[str]:
    found: list[tuple[str, str]] = []
    local = settings.target == "local"
    if not components.backup:
        found += [(f"backup.{k}", "the backup is off at this step (step 4 switches it on)")
                  for k in _set(settings.backup, "time", "keep_days", "cold_after_days")]
    if not components.logs:
        found += [(f"logs.{k}", "log shipping is off at this step (step 4 switches it on)")
                  for k in _set(settings.logs, "cloudwatch")]
    if not components.secrets:
        found += [(f"secrets.{k}", "the secrets store is off at this step (step 3 switches it on)")
                  for k in _set(settings.secrets, "store")]
    if not components.cluster:
        found += [(f"cluster.{k}", "there is no cluster at this step") for k in _set(settings.cluster, "desired_count")]
    if not components.proxy:
        found += [(k, "there is no proxy at this step (step 1 adds it)")
                  for k in _set(settings, "domain", "acme_email", "dns_zone_id")]
        found += [(f"proxy.{k}", "the proxy is off") for k in _set(settings.proxy, "kind", "acme_ca")]
    else:
        if local and components.proxy == "caddy":
            why = "locally Caddy's internal CA signs the site, without ACME"
            found += [(k, why) for k in _set(settings, "acme_email")]
            found += [(f"proxy.{k}", why) for k in _set(settings.proxy, "acme_ca")]
        if local:
            found += [(k, "the local target creates no DNS record") for k in _set(settings, "dns_zone_id")]
    if components.registry and settings.registry.kind == "dockerhub":
        found += [(f"registry.{k}", "with Docker Hub there is no ECR repository")
                  for k in _set(settings.registry, "keep_releases")]
    elif components.registry:
        found += [(f"registry.{k}", "ECR pulls with the host's role") for k in _set(settings.registry, "username")]
    if settings.admin_cidrs and (local or components.proxy):
        why = "the local target has no firewall rules" if local else "with the proxy 8069 is closed; only 80/443 open"
        found.append(("admin_cidrs", why))
    if local:
        found += [(f"host.{k}", "the local target has no EC2 host")
                  for k in _set(settings.host, "instance_type", "root_volume_gb", "data_volume_gb", "ami",
                                "availability_zone")]
        found += [(f"backup.{k}", "the local target has no backup bucket") for k in _set(settings.backup, "retain")]
    elif components.backup and settings.backup.retain:
        found.append(("backup.retain", "while backups run the bucket is kept anyway; it matters below Step 4"))
    return [f"odoo-ladder:{key}: does nothing here: {why}; remove it or change the step" for key, why in found]
