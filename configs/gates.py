"""Which components exist: the step's preset, then the stack's explicit settings, then the rules.

`step: N` is a preset, not a cage: it sets the default component set, and explicit per-component
settings switch a component on or off where its dependencies allow. Every rule that fails is
reported together, before any resource is registered.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

# A leaf of names (stdlib only): the one repository check, shared with step 7's tasks (components/cluster).
from components.cicd.names import foreign_image_problem
from configs.cidrs import addresses_covered, too_wide
from configs.errors import ConfigError
from configs.image_ref import parse_image
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
         "secrets:secretsmanager", "backup", "logs", "database:rds", "registry", "cluster"}

LOCAL_MAX_STEP = 2


def max_built_step() -> int:
    """The highest step whose preset is built in this release (steps 5-7 need RDS, the registry, the
    cluster). Read from BUILT, so a component that lands opens its step with it."""
    def built(step: int) -> bool:
        return all(_built(key if value is True else f"{key}:{value}") for key, value in PRESETS[step].items())
    return max(step for step in PRESETS if all(built(lower) for lower in range(step + 1)))


def _unbuilt(step: int) -> list[str]:
    """The components of a step's preset (and of the steps below) that this release does not build."""
    wanted = {key if value is True else f"{key}:{value}" for lower in range(step + 1)
              for key, value in PRESETS[lower].items()}
    return sorted(name for name in wanted if not _built(name))


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

    problems += _step_problems(settings, components)
    if settings.target == "local" and components.proxy in ("nginx", "traefik") and not settings.domain:
        what = "nginx + certbot" if components.proxy == "nginx" else "traefik"
        problems.append(f"odoo-ladder:proxy.kind: {what} needs a public name that Let's Encrypt reaches "
                        "over HTTP-01; set odoo-ladder:domain to one that points at this machine, or use "
                        "proxy.kind: caddy locally (its internal CA signs localhost)")
    if settings.target == "aws" and components.proxy and not settings.domain:
        problems.append("odoo-ladder:domain: the proxy needs the public name of the site for its certificate; "
                        "set it, e.g. odoo-ladder:domain: erp.example.org")
    if settings.target == "aws" and settings.domain and settings.domain.split(".")[-1] == "localhost":
        problems.append("odoo-ladder:domain: localhost names get no public certificate; set the site's public "
                        "name, e.g. erp.example.org")
    # The cluster's own rules wait for the cluster: until it is built, "not built yet" is the one answer.
    if components.cluster and _built("cluster") and components.database != "rds":
        problems.append("odoo-ladder:cluster.enabled: several Odoo tasks need a shared database; "
                        "set odoo-ladder:database.kind to rds (step 5) first")
    if components.cluster and _built("cluster") and not components.registry:
        problems.append("odoo-ladder:registry.enabled: the cluster's tasks run the stack's own image (its entrypoint "
                        "reads the secrets with the task's role), which the registry of step 6 holds; do not switch "
                        "the registry off at step 7")
    if components.cluster and _built("cluster") and not components.proxy:
        problems.append("odoo-ladder:proxy.enabled: the cluster keeps the proxy as a sidecar for X-Forwarded-Host; "
                        "do not switch the proxy off at step 7")
    problems += _retire_problems(settings, components)
    problems += _admin_problems(settings, components)
    problems += _image_problems(settings, components)
    problems += _registry_problems(settings, components)
    if settings.odoo.workers == 0 and components.proxy:
        problems.append("odoo-ladder:odoo.workers: behind a proxy Odoo needs workers >= 2 so the websocket bus "
                        "runs on 8072; remove the setting or raise it")
    cold = settings.backup.cold_after_days
    if components.backup and cold is not None and cold >= settings.backup.keep_days:
        problems.append(f"odoo-ladder:backup.cold_after_days: {cold} is not below keep_days "
                        f"({settings.backup.keep_days}), so no set would ever move; lower it or raise keep_days")
    if settings.odoo.workers == 1:
        problems.append("odoo-ladder:odoo.workers: 1 worker leaves no room for the bus and long requests; "
                        "use 0 (threaded, step 0 only) or 2 or more")

    if problems:
        raise ConfigError(problems)
    return components


def _built(name: str) -> bool:
    """`proxy:nginx` is built if listed; a bare `secrets` if any of its kinds is."""
    return name in BUILT or name.split(":")[0] in BUILT or any(b.startswith(f"{name}:") for b in BUILT)


def _step_problems(settings: StackSettings, components: Components) -> list[str]:
    """Steps and components this release does not build, and what the local target cannot hold."""
    highest = max_built_step()
    if settings.step > highest:
        return [f"odoo-ladder:step: step {settings.step} is not built in this release "
                f"({', '.join(_unbuilt(settings.step))} not yet); the highest step is {highest}: "
                f"set odoo-ladder:step: {highest}"]
    problems = []
    unbuilt = [name for name in components.names() if not _built(name)]
    for name in unbuilt:
        key, _, kind = name.partition(":")
        setting = f"{key}.kind: {kind}" if kind else f"{key}.enabled: true"
        problems.append(f"odoo-ladder:{key}.{'kind' if kind else 'enabled'}: the {name} component is not built yet "
                        f"in this release; remove odoo-ladder:{setting} from the stack")
    if settings.target == "local":
        if settings.step > LOCAL_MAX_STEP:
            problems.append(f"odoo-ladder:step: the local target goes up to step {LOCAL_MAX_STEP}; set "
                            f"odoo-ladder:target to aws for steps 3-{max_built_step()}")
        if components.database == "rds":
            problems.append("odoo-ladder:database.kind: rds needs AWS (RDS is a managed AWS database); set "
                            "odoo-ladder:target to aws, or remove odoo-ladder:database.kind from the local stack")
        aws_only = {"secrets": components.secrets, "backup": components.backup, "logs": components.logs,
                    "registry": components.registry}
        for key, present in aws_only.items():
            if present and settings.step <= LOCAL_MAX_STEP:
                problems.append(f"odoo-ladder:{key}.enabled: this component needs AWS; set odoo-ladder:target "
                                f"to aws, or remove odoo-ladder:{key} from the local stack")
    return problems


def _retire_problems(settings: StackSettings, components: Components) -> list[str]:
    """host.retire: the host runs Odoo below step 7, and at step 7 serves the site until the cut-over."""
    if not settings.host.retire:
        return []
    if not components.cluster:
        return [f"odoo-ladder:host.retire: step {settings.step} runs Odoo on the host; the host can be retired "
                "only at step 7, once the site is on the ALB (docs/step7-move.md): remove host.retire"]
    if not settings.cluster.cutover:
        return ["odoo-ladder:host.retire: the site's name still points at the host (cluster.cutover is false); "
                "finish the filestore copy, set odoo-ladder:cluster.cutover: true and `pulumi up`, check the site "
                "on the ALB, then retire the host in a later `pulumi up` (docs/step7-move.md)"]
    return []


def _admin_problems(settings: StackSettings, components: Components) -> list[str]:
    """Step 0 on AWS opens 8069 to admin_cidrs: neither to the world by accident nor to nobody."""
    cidrs = settings.admin_cidrs
    if cidrs and too_wide(cidrs) and not settings.allow_world_admin:
        return [f"odoo-ladder:admin_cidrs: together they open Odoo's port 8069 to {addresses_covered(cidrs):,} "
                "addresses, a large part of the internet; list your own addresses (e.g. 203.0.113.7/32), or set "
                "odoo-ladder:allow_world_admin: true to accept it"]
    if settings.target == "aws" and not components.proxy and not cidrs:
        return ["odoo-ladder:admin_cidrs: without a proxy Odoo answers only on 8069, and only to these addresses; "
                "with none nobody can reach it. List your public address (e.g. 203.0.113.7/32; "
                "`curl https://checkip.amazonaws.com` prints it), or go to step 1 (HTTPS through the proxy)"]
    return []


def _registry_problems(settings: StackSettings, components: Components) -> list[str]:
    """The CI roles trust one GitHub repository and use the Pulumi state the bootstrap made."""
    if not components.registry or settings.target != "aws":
        return []
    registry = settings.registry
    on_ecr = bool(registry.image) and re.match(r"^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com/", registry.image)
    if registry.kind == "dockerhub":
        problems = []
        if not registry.username:
            problems.append("odoo-ladder:registry.username: Docker Hub needs the account that pulls; set it, with "
                            "its access token as `pulumi config set --secret odoo-ladder:registry_token` (docs/step6.md)")
        if on_ecr:
            problems.append("odoo-ladder:registry.image: an ECR image with registry.kind: dockerhub; name the Docker "
                            "Hub image (e.g. docker.io/acme/odoo@sha256:...), or set registry.kind: ecr")
        # The CI roles are optional on Docker Hub: naming the GitHub repository asks for them.
        if registry.github.owner or registry.github.repo:
            if not registry.image:
                problems.append("odoo-ladder:registry.image: deploy.yml pushes to the Docker Hub repository of this "
                                "image (stack output registry_url); push a first image by hand and name its digest, "
                                "e.g. docker.io/acme/odoo@sha256:... (docs/step6.md)")
            problems += _github_problems(settings)
        return problems
    if registry.image and not on_ecr:
        return ["odoo-ladder:registry.image: with registry.kind: ecr the host pulls from the stack's ECR repository "
                "only; name <account>.dkr.ecr.<region>.amazonaws.com/odoo-ladder/<stack>@sha256:... "
                "(deploy.yml sets it), or set registry.kind: dockerhub"]
    return _github_problems(settings)


def _github_problems(settings: StackSettings) -> list[str]:
    """What the CI roles need: the repository they trust and the state the bootstrap made."""
    github = settings.registry.github
    what = {"owner": "the GitHub owner (user or organisation) of the repository the workflows run in",
            "repo": "the GitHub repository the workflows run in",
            "state_bucket": "the state bucket tools/bootstrap_state.py prints (STATE_BUCKET)",
            "state_key_arn": "the state key tools/bootstrap_state.py prints (STATE_KEY_ARN)"}
    return [f"odoo-ladder:registry.github.{key}: needed for the CI roles; set {text} (docs/step6.md)"
            for key, text in what.items() if not getattr(github, key)]


def registry_secret_problems(settings: StackSettings, components: Components, given: frozenset[str],
                             region: Optional[str] = None, stack: Optional[str] = None) -> list[str]:
    """Docker Hub's pull token is the user's: it cannot be generated, only given as a secret. An ECR
    image must be in the stack's region and its own repository, the only one the host (or, at step
    7, the tasks) may pull from."""
    if not components.registry or settings.target != "aws":
        return []
    registry = settings.registry
    if registry.kind == "dockerhub" and "registry_token" not in given:
        return ["odoo-ladder:registry_token: Docker Hub needs an access token with read access to the image; "
                "run `pulumi config set --secret odoo-ladder:registry_token` (it asks for the value)"]
    found = re.match(r"^[0-9]{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/", registry.image or "")
    if registry.kind == "ecr" and found and region and found.group(1) != region:
        return [f"odoo-ladder:registry.image: the image is in {found.group(1)}, the stack's repository in {region} "
                "(aws:region): the host pulls from its own repository only; name the digest deploy.yml pushed there"]
    if registry.kind == "ecr" and found and stack:
        problem = foreign_image_problem(registry.image, stack, region or found.group(1),
                                        "the tasks" if components.cluster else "the host")
        return [problem] if problem else []
    return []


def _image_problems(settings: StackSettings, components: Components) -> list[str]:
    """A pinned image must be the version the stack says: the filestore's owner uid follows odoo.version."""
    if not settings.odoo.image:
        return []
    image = parse_image(settings.odoo.image)  # the shape was checked by the model
    version = settings.odoo.version
    if not image.official:
        # The uid that owns the filestore and the secret files, and the odoo binary the entrypoint bypass
        # starts, are the official image's (components/app/service.py ODOO_UID_GID).
        return ["odoo-ladder:odoo.image: the stack runs the official odoo image, whose odoo user owns the "
                "filestore and the config; pin it as odoo:<tag> or odoo:<tag>@sha256:<digest> "
                "(e.g. odoo:18.0-20250101), or remove the setting"]
    if image.major() != version.split(".")[0]:
        return [f"odoo-ladder:odoo.image: the tag {image.tag!r} is not Odoo {version} (odoo.version); pin a tag of "
                f"that version (e.g. odoo:{version}-20250101), or change odoo.version to the image's and plan the "
                "database upgrade"]
    return []
