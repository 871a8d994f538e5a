"""Config errors that name the stack-file key and say what to do, in plain words.

Pydantic's messages speak of Python ("valid tuple", "instance of OdooSettings"); a stack file's
author thinks in YAML, so each error type is translated here into what to write instead.
"""
from __future__ import annotations

import difflib
from typing import Any, Iterable

from pydantic import ValidationError

NAMESPACE = "odoo-ladder"


class ConfigError(ValueError):
    """Raised before any resource is registered; each line names one key."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid stack config:\n" + "\n".join(f"  - {p}" for p in problems))


def key_name(loc: tuple) -> str:
    """('odoo', 'version') -> 'odoo-ladder:odoo.version', the spelling of the stack file."""
    parts = [str(part) for part in loc if not isinstance(part, int)] or ["(config)"]
    head, *rest = parts
    return f"{NAMESPACE}:{head}" + "".join(f".{part}" for part in rest)


def did_you_mean(word: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


def _quote_hint(value: Any) -> str:
    """A number where text was expected: YAML read `18.0` or `12:30`-like input as a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    shown = f"{value:.1f}" if isinstance(value, float) else str(value)
    return f'; write it in quotes, e.g. "{shown}"'


def _plain(item: dict) -> str:
    """One pydantic error as a sentence about the value, without Python's type names."""
    kind, ctx, value = item["type"], item.get("ctx") or {}, item.get("input")
    if kind == "value_error":
        return str(ctx.get("error", item["msg"]))
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "must be a whole number, e.g. 2"
    if kind in ("bool_type", "bool_parsing"):
        return "must be true or false"
    if kind in ("string_type", "string_too_short"):
        return "must be text" + _quote_hint(value)
    if kind == "literal_error":
        return f"must be {ctx.get('expected')}" + _quote_hint(value)
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {ctx.get('le', ctx.get('lt'))}"
    if kind in ("tuple_type", "list_type", "set_type"):
        return 'must be a list, e.g. ["203.0.113.7/32"]'
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be a map of settings (key: value lines indented under it), not a single value"
    return item["msg"].removeprefix("Input should be ").removeprefix("Value error, ")


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def from_validation(err: ValidationError, known_keys: Iterable[str] = ()) -> ConfigError:
    problems = []
    for item in err.errors():
        key = key_name(item["loc"])
        if item["type"] == "extra_forbidden":
            hint = did_you_mean(key, known_keys)
            problems.append(f"{key}: unknown setting; check its spelling against docs/config.md or remove it{hint}")
        else:
            problems.append(f"{key}: {_plain(item)} (got {_shown(item.get('input'))})")
    return ConfigError(problems)
