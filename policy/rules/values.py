"""Reading inputs as the wire gives them: numbers may be floats (80.0), lists may be one item, and a
value may be UNKNOWN during preview (then a rule gives it the benefit of the doubt)."""
from __future__ import annotations

import json
from typing import Any

from .model import UNKNOWN, known


def as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def is_set(value: Any) -> bool:
    """True, or not known yet."""
    return value is UNKNOWN or value is True or value == "true"


def number(value: Any, default: float | None = None) -> float | None:
    if value is None or not known(value):
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def document(value: Any) -> dict | None:
    """A policy document given as JSON text (or already a dict); None when unknown or unreadable."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str) or not known(value):
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def statements(doc: dict | None) -> list[dict]:
    return [s for s in as_list((doc or {}).get("Statement")) if isinstance(s, dict)]
