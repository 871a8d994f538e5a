"""The stacks of the move matrix: every example stack, plus secret-store and proxy switches.

Each is planned once per test session, all under one stack name, so a pair of plans is one stack
moving from A to B (as `ladder diff` plans it).
"""
from __future__ import annotations

import functools
import json

from configs.load import LadderConfig, from_mapping
from ladder.mocked import stack_config
from ladder.plan import plan_config
from tests.stacks import EXAMPLES

STACK = "move"


def _with(name: str, key: str, **settings) -> dict:
    """Example `name` with settings merged into its `odoo-ladder:<key>` map."""
    config = dict(EXAMPLE_CONFIGS[name])
    current = json.loads(config.get(f"odoo-ladder:{key}", "{}"))
    config[f"odoo-ladder:{key}"] = json.dumps({**current, **settings})
    return config


EXAMPLE_CONFIGS = {path.stem: stack_config(str(path)) for path in EXAMPLES}
CONFIGS = {
    **EXAMPLE_CONFIGS,
    "step3-secretsmanager": _with("step3", "secrets", store="secretsmanager"),
    "step4-secretsmanager": _with("step4", "secrets", store="secretsmanager"),
    "step1-nginx": _with("step1", "proxy", kind="nginx"),
    "step2-caddy": _with("step2", "proxy", kind="caddy"),
    # Below Step 4 with the backup bucket kept (its timer stopped).
    "step3-retain": _with("step3", "backup", retain=True),
    "step0-retain": _with("step0", "backup", retain=True),
    # Step 5 -> 4 with the data moved back into the container (RDS kept while it moves).
    "step4-back": _with("step4", "database", allow_move_back=True),
}
# The variants' switches, both ways: (from, to).
SWITCHES = [("step3", "step3-secretsmanager"), ("step3-secretsmanager", "step3"),
            ("step4", "step4-secretsmanager"), ("step4-secretsmanager", "step4"),
            ("step1", "step1-nginx"), ("step1-nginx", "step1"),
            ("step2", "step2-caddy"), ("step2-caddy", "step2"),
            ("step4", "step3-retain"), ("step3-retain", "step4"), ("step4", "step0-retain"),
            ("step0-retain", "step4"), ("step3-retain", "step3"), ("step5", "step4-back"), ("step4-back", "step5")]
STEPS = list(EXAMPLE_CONFIGS)
MOVES = [(a, b) for a in STEPS for b in STEPS if a != b] + SWITCHES


@functools.cache
def planned(name: str) -> tuple[dict, ...]:
    return tuple(plan_config(CONFIGS[name], STACK))


def config_of(name: str) -> LadderConfig:
    return from_mapping(STACK, CONFIGS[name])
