"""A `Pulumi.<stack>.yaml` read as the Pulumi CLI reads it: its shape checked, its secrets told apart.

The file's top level holds `config:` and the CLI's own bookkeeping; anything else (`confg:`, a
setting written without `config:` above it) would be ignored by Pulumi, so it is refused here.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from configs.errors import ConfigError, did_you_mean
from configs.yaml_reader import read_yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The keys of Pulumi's ProjectStack document besides `config`.
STACK_FILE_KEYS = ("config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment")


@dataclass(frozen=True)
class StackFile:
    stack: str
    config: dict[str, Any]
    # The keys given as `{secure: ...}` (encrypted by `pulumi config set --secret`).
    secure: frozenset[str]


def stack_file(stack_or_path: str) -> Path:
    """`dev` means Pulumi.dev.yaml in the project; anything with a slash or .yaml is a path."""
    if stack_or_path.endswith((".yaml", ".yml")) or "/" in stack_or_path:
        return Path(stack_or_path)
    return PROJECT_DIR / f"Pulumi.{stack_or_path}.yaml"


def _kind(document: Any) -> str:
    return "a list" if isinstance(document, list) else f"a single value ({document!r})"


def read_stack_file(stack_or_path: str) -> StackFile:
    path = stack_file(stack_or_path)
    if not path.exists():
        raise ConfigError([f"stack file {path} does not exist; give a stack name (dev) or a path to a stack file"])
    document = read_yaml(path.read_text(), str(path))
    if document is None:
        raise ConfigError([f"{path}: the file is empty; a stack file starts with `config:` and its settings "
                           "under it (see configs/stacks/step0.yaml)"])
    if not isinstance(document, dict):
        raise ConfigError([f"{path}: a stack file is a map with a `config:` key, but this one is {_kind(document)}"])
    problems = []
    for key in document:
        if key not in STACK_FILE_KEYS:
            where = ("settings go under `config:`" if isinstance(key, str) and ":" in key
                     else "check its spelling" + did_you_mean(str(key), STACK_FILE_KEYS))
            problems.append(f"{path}: unknown top-level key {key!r}; {where}")
    config = document.get("config")
    if not problems and not config:
        problems.append(f"{path}: `config:` is empty; set at least odoo-ladder:target (local or aws)")
    elif config is not None and not isinstance(config, dict):
        problems.append(f"{path}: `config:` must be a map of settings, but it is {_kind(config)}")
    if problems:
        raise ConfigError(problems)
    secure = frozenset(k for k, v in config.items() if isinstance(v, dict) and set(v) == {"secure"})
    return StackFile(stack=path.stem.removeprefix("Pulumi."), config=config, secure=secure)
