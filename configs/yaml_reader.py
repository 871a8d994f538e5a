"""YAML read the way Pulumi reads a stack file, so `ladder` sees what `pulumi up` sees.

Pulumi's CLI parses stack files with Go's yaml.v3 (YAML 1.2 core schema). PyYAML's SafeLoader speaks
YAML 1.1, which differs where it hurts: `12:30` is the base-60 integer 750, `yes`/`on` are booleans,
`012` is octal, and a duplicated key silently keeps the last value. This loader resolves plain
scalars with the 1.2 core rules only, keeps times and dates as strings, and refuses duplicated keys.
"""
from __future__ import annotations

import re
from typing import Any

import yaml

from configs.errors import ConfigError

_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")


class _DuplicateKey(yaml.MarkedYAMLError):
    pass


class PulumiYamlLoader(yaml.SafeLoader):
    """SafeLoader with the YAML 1.2 core schema's implicit types and no duplicated keys."""

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise _DuplicateKey(None, None, f"the key {key!r} appears twice (Pulumi refuses this)",
                                    key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


# Start from no implicit resolvers at all, then add the core schema's (YAML 1.2, as yaml.v3 does).
PulumiYamlLoader.yaml_implicit_resolvers = {}
PulumiYamlLoader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))
PulumiYamlLoader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
PulumiYamlLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+.0123456789"))
PulumiYamlLoader.add_implicit_resolver("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""])


def _core_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    """Decimal, 0o octal and 0x hex: a leading zero is still decimal, as in YAML 1.2."""
    text = loader.construct_scalar(node)
    if text.startswith(("0x", "0o")):
        return int(text, 0)
    return int(text, 10)


def _core_float(loader: yaml.SafeLoader, node: yaml.Node) -> float:
    return float(loader.construct_scalar(node).lower().replace(".inf", "inf").replace(".nan", "nan"))


PulumiYamlLoader.add_constructor("tag:yaml.org,2002:int", _core_int)
PulumiYamlLoader.add_constructor("tag:yaml.org,2002:float", _core_float)


def read_yaml(text: str, source: str) -> Any:
    """The document, or one ConfigError that says where the YAML is wrong (never a traceback)."""
    try:
        return yaml.load(text, Loader=PulumiYamlLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = err.problem or err.context or "not valid YAML"
        raise ConfigError([f"{source}: not valid YAML{where}: {what}"]) from None
    except yaml.YAMLError as err:
        raise ConfigError([f"{source}: not valid YAML: {err}"]) from None
