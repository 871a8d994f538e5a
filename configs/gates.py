"""Which components exist: the step's preset, then the stack's explicit settings, then the rules.

`step: N` is a preset, not a cage: it sets the default component set, and explicit per-component
settings switch a component on or off where its dependencies allow. Every rule that fails is
reported together, before any resource is registered.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from configs.errors import ConfigError
from configs.models import StackSettings

# The default component set of each step (the roadmap's ladder).
PRESETS: dict[int, dict] = {
    0: {},
    1: {"proxy": "caddy"},
    2: {"proxy": "nginx"},
    3: {"proxy": "caddy", "secrets": True},
    4: {"proxy": "caddy", "secrets": True, "backup": True, "logs": True},
    5: {"proxy": "caddy", "secrets": True, "backup": True, "logs": True, "database": "rds"},
    6: {"proxy": "caddy", "secrets": True, "backup": True, "logs": True, "database": "rds", "registry": True},
    7: {"proxy": "caddy", "secrets": True, "backup": True, "logs": True, "database": "rds", "registry": True,
        "cluster": True},
}

# Components (and kinds) that this release implements; anything else is refused, never ignored.
BUILT = {"app", "network", "host", "database:container", "proxy:caddy", "proxy:nginx", "proxy:traefik", "secrets:ssm",
         "secrets:secretsmanager", "backup", "logs"}

LOCAL_MAX_STEP = 2


@dataclass(frozen=True)
class Components:
    """The resolved component set of a stack."""

    network: bool
    host: bool
    database: str
    proxy: Optional[str]
    secrets: Optional[str]
    backup: bool
    logs: bool
    registry: bool
    cluster: bool

    def names(self) -> list[str]:
        """The components that exist, as `name` or `name:kind`."""
        found = ["app", f"database:{self.database}"]
        found += [name for name in ("network", "host", "backup", "logs", "registry", "cluster") if getattr(self, name)]
        found += [f"proxy:{self.proxy}"] if self.proxy else []
        found += [f"secrets:{self.secrets}"] if self.secrets else []
        return found


def _switch(preset_on: bool, enabled: Optional[bool]) -> bool:
    return preset_on if enabled is None else enabled


def resolve(settings: StackSettings) -> Components:
    preset = PRESETS[settings.step]
    problems: list[str] = []

    proxy_kind = settings.proxy.kind or preset.get("proxy") or "caddy"
    proxy_on = _switch("proxy" in preset or settings.proxy.kind is not None, settings.proxy.enabled)
    components = Components(
        network=settings.target == "aws",
        host=settings.target == "aws",
        database=settings.database.kind or preset.get("database", "container"),
        proxy=proxy_kind if proxy_on else None,
        secrets=settings.secrets.store if _switch(preset.get("secrets", False), settings.secrets.enabled) else None,
        backup=_switch(preset.get("backup", False), settings.backup.enabled),
        logs=_switch(preset.get("logs", False), settings.logs.enabled),
        registry=_switch(preset.get("registry", False), settings.registry.enabled),
        cluster=_switch(preset.get("cluster", False), settings.cluster.enabled),
    )

    if settings.target == "local":
        if settings.step > LOCAL_MAX_STEP:
            problems.append(f"odoo-ladder:step: the local target goes up to step {LOCAL_MAX_STEP}; "
                            "set odoo-ladder:target to aws for steps 3-7")
        aws_only = {"secrets": components.secrets, "backup": components.backup, "logs": components.logs,
                    "registry": components.registry, "cluster": components.cluster,
                    "database": components.database == "rds"}
        for key, present in aws_only.items():
            if present and settings.step <= LOCAL_MAX_STEP:
                setting = "kind" if key == "database" else "enabled"
                problems.append(f"odoo-ladder:{key}.{setting}: this component needs AWS; set odoo-ladder:target "
                                f"to aws, or remove odoo-ladder:{key} from the local stack")
    if settings.target == "local" and components.proxy == "nginx" and not settings.domain:
        problems.append("odoo-ladder:proxy.kind: nginx + certbot needs a public name that Let's Encrypt reaches "
                        "over HTTP-01; set odoo-ladder:domain to one that points at this machine, or use "
                        "proxy.kind: caddy locally (its internal CA signs localhost)")
    if settings.target == "aws" and components.proxy and not settings.domain:
        problems.append("odoo-ladder:domain: the proxy needs the public name of the site for its certificate; "
                        "set it, e.g. odoo-ladder:domain: erp.example.org")
    if components.cluster and components.database != "rds":
        problems.append("odoo-ladder:cluster.enabled: several Odoo tasks need a shared database; "
                        "set odoo-ladder:database.kind to rds (step 5) first")
    if components.cluster and not components.proxy:
        problems.append("odoo-ladder:proxy.enabled: the cluster keeps the proxy as a sidecar for X-Forwarded-Host; "
                        "do not switch the proxy off at step 7")
    if "0.0.0.0/0" in settings.admin_cidrs or "::/0" in settings.admin_cidrs:
        if not settings.allow_world_admin:
            problems.append("odoo-ladder:admin_cidrs: opens Odoo's port 8069 to the whole internet; list your own "
                            "addresses (e.g. 203.0.113.7/32), or set odoo-ladder:allow_world_admin: true to accept it")
    if settings.odoo.workers == 0 and components.proxy:
        problems.append("odoo-ladder:odoo.workers: behind a proxy Odoo needs workers >= 2 so the websocket bus "
                        "runs on 8072; remove the setting or raise it")
    if components.secrets and settings.odoo.image and not settings.odoo.image.startswith("odoo:"):
        problems.append("odoo-ladder:odoo.image: from step 3 the image is built on the official one; pin it as "
                        "odoo:<tag> (e.g. odoo:18.0-20250101), or remove the setting")
    cold = settings.backup.cold_after_days
    if components.backup and cold is not None and cold >= settings.backup.keep_days:
        problems.append(f"odoo-ladder:backup.cold_after_days: {cold} is not below keep_days "
                        f"({settings.backup.keep_days}), so no set would ever move; lower it or raise keep_days")
    if settings.odoo.workers == 1:
        problems.append("odoo-ladder:odoo.workers: 1 worker leaves no room for the bus and long requests; "
                        "use 0 (threaded, step 0 only) or 2 or more")

    if not problems:
        for name in components.names():
            if name not in BUILT and name.split(":")[0] not in BUILT:
                key = name.split(":")[0]
                problems.append(f"odoo-ladder:{key}: the {name} component is not built yet in this release; "
                                f"use a lower odoo-ladder:step or switch it off with odoo-ladder:{key}.enabled: false")
    if problems:
        raise ConfigError(problems)
    return components
