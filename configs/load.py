"""Loading a stack's config: from `pulumi.Config` in the program, from a stack file in tools and tests.

Both paths end in the same `LadderConfig`, so what `ladder plan` shows is what `pulumi up` builds.
Secret values never enter the model: only whether the stack file gives one (`secure:`), so the
program reads it with `get_secret` and it stays an Output.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml
from pydantic import ValidationError

from configs.errors import NAMESPACE, ConfigError, from_validation
from configs.gates import Components, resolve
from configs.models import StackSettings

SECRET_KEYS = ("db_password", "admin_passwd", "admin_password")
PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class LadderConfig:
    stack: str
    settings: StackSettings
    components: Components
    # Which secrets the stack file gives; the rest are generated.
    given_secrets: frozenset[str]
    # Provider settings such as aws:region, passed through untouched.
    provider: Mapping[str, str]

    @property
    def region(self) -> str:
        return self.provider.get("aws:region", "us-east-1")


def _decode(value: Any) -> Any:
    """Pulumi hands structured config over as JSON text; a plain string stays a string."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def from_mapping(stack: str, config: Mapping[str, Any]) -> LadderConfig:
    """Validate a flat `namespace:key -> value` map, as in a stack file or Pulumi's runtime config."""
    ours: dict[str, Any] = {}
    provider: dict[str, str] = {}
    given: set[str] = set()
    for full_key, value in config.items():
        namespace, _, key = full_key.partition(":")
        if namespace != NAMESPACE:
            provider[full_key] = value
        elif key in SECRET_KEYS:
            given.add(key)
        else:
            ours[key] = _decode(value)
    try:
        settings = StackSettings.model_validate(ours)
    except ValidationError as err:
        raise from_validation(err) from None
    return LadderConfig(stack=stack, settings=settings, components=resolve(settings),
                        given_secrets=frozenset(given), provider=provider)


def stack_file(stack_or_path: str) -> Path:
    """`dev` means Pulumi.dev.yaml in the project; anything with a slash or .yaml is a path."""
    if stack_or_path.endswith((".yaml", ".yml")) or "/" in stack_or_path:
        return Path(stack_or_path)
    return PROJECT_DIR / f"Pulumi.{stack_or_path}.yaml"


def from_stack_file(stack_or_path: str) -> LadderConfig:
    path = stack_file(stack_or_path)
    if not path.exists():
        raise ConfigError([f"stack file {path} does not exist; give a stack name (dev) or a path to a stack file"])
    document = yaml.safe_load(path.read_text()) or {}
    config = document.get("config") or {}
    if not isinstance(config, dict):
        raise ConfigError([f"{path}: `config:` must be a map of settings"])
    stack = path.stem.removeprefix("Pulumi.")
    return from_mapping(stack, config)


def from_pulumi() -> LadderConfig:
    """The running program's config (the CLI's, or the one a mock test set)."""
    import pulumi
    from pulumi.runtime import config as runtime_config

    values = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    return from_mapping(pulumi.get_stack(), values)
