"""Loading a stack's config: from `pulumi.Config` in the program, from a stack file in tools and tests.

Both paths end in the same `LadderConfig`, so what `ladder plan` shows is what `pulumi up` builds.
Secret values never enter the model: only whether the stack file gives one (`secure:`), so the
program reads it with `get_secret` and it stays an Output. Every problem is collected and raised
together as one ConfigError, before any resource is registered.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from pydantic import BaseModel, ValidationError

from configs.errors import NAMESPACE, ConfigError, from_validation
from configs.gates import Components, registry_secret_problems, resolve
from configs.keys import SECRET_KEYS, sort_keys
from configs.models import StackSettings
from configs.zones import zone_problem
from configs.moves import LadderState, check_move, move_warnings
from configs.regions import region_problem
from configs.stack_file import read_stack_file, stack_file
from configs.stack_name import stack_name_problem
from configs.unused import unused_settings

__all__ = ["SECRET_KEYS", "LadderConfig", "from_mapping", "from_pulumi", "from_stack_file", "stack_file"]
# Top-level keys whose value is text even when it reads as JSON (a zone id of digits stays text).
TEXT_KEYS = ("target", "domain", "acme_email", "dns_zone_id")


@dataclass(frozen=True)
class LadderConfig:
    stack: str
    settings: StackSettings
    components: Components
    # Which secrets the stack file gives; the rest are generated.
    given_secrets: frozenset[str]
    # Provider settings such as aws:region, passed through untouched.
    provider: Mapping[str, str]
    # Legal settings that do nothing at this step: printed by `ladder`, logged by the program.
    warnings: tuple[str, ...] = ()
    # What the stack was at its last `pulumi up` (configs/moves.py); None on a first deployment and
    # wherever no stack state exists (`ladder render`, `ladder plan`).
    previous: Optional[LadderState] = None

    @property
    def region(self) -> str:
        return self.provider.get("aws:region", "us-east-1")


def _decode(key: str, value: Any) -> Any:
    """Pulumi hands structured config over as JSON text; a plain string stays a string."""
    if isinstance(value, str) and key not in TEXT_KEYS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _known_keys(model: type[BaseModel] = StackSettings, prefix: str = "") -> list[str]:
    """Every stack-file key, for "did you mean" (odoo-ladder:wokers -> odoo-ladder:odoo.workers)."""
    keys = []
    for name, info in model.model_fields.items():
        keys.append(f"{NAMESPACE}:{prefix}{name}")
        if isinstance(info.default, BaseModel):
            keys += _known_keys(type(info.default), f"{prefix}{name}.")
    return keys


NESTED = frozenset(name for name, info in StackSettings.model_fields.items() if isinstance(info.default, BaseModel))


def from_mapping(stack: str, config: Mapping[str, Any], secret_keys: Optional[frozenset[str]] = None) -> LadderConfig:
    """Validate a flat `namespace:key -> value` map, as in a stack file or Pulumi's runtime config.

    `secret_keys` are the keys given as secrets (`secure:`); None when the caller cannot tell, which
    skips the plain-text check (tests and tools that pass values directly).
    """
    keys = sort_keys(config, secret_keys, NESTED)
    problems = list(keys.problems)
    if (name_problem := stack_name_problem(stack)) is not None:
        problems.append(name_problem)
    settings = None
    try:
        settings = StackSettings.model_validate({k: _decode(k, v) for k, v in keys.ours.items()})
    except ValidationError as err:
        problems += from_validation(err, _known_keys()).problems
    # Checked on the raw target, so a bad region is reported even when other settings are wrong too.
    if keys.ours.get("target") == "aws" and (region := region_problem(keys.provider.get("aws:region"))):
        problems.append(region)
    if settings is not None and (zone := zone_problem(settings.host.availability_zone, keys.provider.get("aws:region"))):
        problems.append(zone)
    components = None
    if settings is not None:
        try:
            components = resolve(settings)
            problems += registry_secret_problems(settings, components, frozenset(keys.given_secrets),
                                                 keys.provider.get("aws:region"), stack)
        except ConfigError as err:
            problems += err.problems
    if problems:
        raise ConfigError(problems)
    warnings = keys.warnings + unused_settings(settings, components)
    if settings.target == "local":
        warnings += [f"{k}: does nothing on the local target; remove it" for k in keys.provider]
    return LadderConfig(stack=stack, settings=settings, components=components,
                        given_secrets=frozenset(keys.given_secrets), provider=keys.provider, warnings=tuple(warnings))


def _require_ours(values: Mapping[str, Any]) -> None:
    """A stack with none of our keys is a typo'd namespace or the wrong file, not a wish for the defaults."""
    if not any(str(key).startswith(f"{NAMESPACE}:") for key in values):
        raise ConfigError([f"the stack has no {NAMESPACE}: settings; set at least "
                           f"`pulumi config set {NAMESPACE}:target local` (or aws), see docs/config.md"])


def from_stack_file(stack_or_path: str) -> LadderConfig:
    found = read_stack_file(stack_or_path)
    _require_ours(found.config)
    return from_mapping(found.stack, found.config, found.secure)


def from_pulumi() -> LadderConfig:
    """The running program's config (the CLI's, or the one a mock test set); warnings go to Pulumi's log.

    The move from the stack's last state is checked here too, so a refused move, like bad config,
    stops the program before any resource is registered.
    """
    import dataclasses

    import pulumi
    from pulumi.runtime import config as runtime_config

    from configs.previous import previous_state

    values = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    _require_ours(values)
    secret = frozenset(key for key in values if runtime_config.is_config_secret(key))
    cfg = from_mapping(pulumi.get_stack(), values, secret)
    previous = previous_state()
    check_move(previous, cfg)
    cfg = dataclasses.replace(cfg, previous=previous, warnings=cfg.warnings + tuple(move_warnings(previous, cfg)))
    for warning in cfg.warnings:
        pulumi.log.warn(warning)
    return cfg
