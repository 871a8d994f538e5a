"""The stacks of the move matrix: every example stack, plus secret-store and proxy switches.

Each is planned once per test session, all under one stack name, so a pair of plans is one stack
moving from A to B (as `ladder diff` plans it).
"""
from __future__ import annotations

import functools
import json

from configs.load import LadderConfig, from_mapping
from ladder.mocked import stack_config
from ladder.plan import in_own_repository, plan_config
from tests.stacks import EXAMPLES

STACK = "move"


def _with(name: str, key: str, **settings) -> dict:
    """Example `name` with settings merged into its `odoo-ladder:<key>` map."""
    config = dict(EXAMPLE_CONFIGS[name])
    current = json.loads(config.get(f"odoo-ladder:{key}", "{}"))
    config[f"odoo-ladder:{key}"] = json.dumps({**current, **settings})
    return config


def _before_first_deploy(name: str) -> dict:
    """Example `name` (step 6) before deploy.yml has pushed an image: no registry.image yet."""
    config = dict(EXAMPLE_CONFIGS[name])
    registry = json.loads(config["odoo-ladder:registry"])
    registry.pop("image", None)
    config["odoo-ladder:registry"] = json.dumps(registry)
    return config


# An example names its file's stack in registry.image (odoo-ladder/<file stem>): moved to STACK's.
EXAMPLE_CONFIGS = {path.stem: in_own_repository(stack_config(str(path)), path.stem, STACK) for path in EXAMPLES}
CONFIGS = {
    **EXAMPLE_CONFIGS,
    "step3-secretsmanager": _with("step3", "secrets", store="secretsmanager"),
    "step4-secretsmanager": _with("step4", "secrets", store="secretsmanager"),
    "step1-nginx": _with("step1", "proxy", kind="nginx"),
    "step2-caddy": _with("step2", "proxy", kind="caddy"),
    # Below Step 4 with the backup bucket kept (its timer stopped).
    "step3-retain": _with("step3", "backup", retain=True),
    "step0-retain": _with("step0", "backup", retain=True),
    # Step 6 (on the container database, as the example) before its first deploy: the official image.
    "step6-official": _before_first_deploy("step6"),
    "step6-rds": _with("step6", "database", kind="rds"),
    # Step 5 -> 4 with the data moved back into the container (RDS kept while it moves).
    "step4-back": _with("step4", "database", allow_move_back=True),
    # Step 7 with the name on the ALB, then with the host retired (its data volume kept).
    "step7-cutover": _with("step7", "cluster", cutover=True),
}
CONFIGS["step7-retired"] = {**CONFIGS["step7-cutover"], "odoo-ladder:host": '{"retire": true}'}
# The variants' switches, both ways: (from, to).
SWITCHES = [("step3", "step3-secretsmanager"), ("step3-secretsmanager", "step3"),
            ("step4", "step4-secretsmanager"), ("step4-secretsmanager", "step4"),
            ("step1", "step1-nginx"), ("step1-nginx", "step1"),
            ("step2", "step2-caddy"), ("step2-caddy", "step2"),
            ("step4", "step3-retain"), ("step3-retain", "step4"), ("step4", "step0-retain"),
            ("step0-retain", "step4"), ("step3-retain", "step3"),
            ("step4", "step6-official"), ("step6-official", "step6"), ("step6", "step6-official"),
            ("step5", "step4-back"), ("step4-back", "step5"),
            ("step6", "step6-rds"), ("step5", "step6-rds"), ("step6-rds", "step5"),
            # host.retire: refused before the stack ran on the ALB; back builds a host on the kept volume.
            ("step7", "step7-cutover"), ("step7-cutover", "step7-retired"), ("step7", "step7-retired"),
            ("step6", "step7-retired"), ("step7-retired", "step7-cutover"), ("step7-retired", "step7"),
            ("step7-retired", "step6")]
STEPS = list(EXAMPLE_CONFIGS)
MOVES = [(a, b) for a in STEPS for b in STEPS if a != b] + SWITCHES


@functools.cache
def planned(name: str) -> tuple[dict, ...]:
    return tuple(plan_config(CONFIGS[name], STACK))


def config_of(name: str) -> LadderConfig:
    return from_mapping(STACK, CONFIGS[name])


def without_object_lock(records: tuple[dict, ...]) -> list[dict]:
    """A Step 4 stack whose bucket was made before it had Object Lock: the bucket created without
    the flag (nor its ignore_changes), and no lock configuration. Moving it to today's Step 4 must
    switch the lock on in place, never replace the bucket (that would be a new, empty bucket)."""
    older = []
    for record in records:
        if record["type"] == "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration":
            continue
        if record["type"] == "aws:s3/bucket:Bucket" and record["name"] == "backup-bucket":
            inputs = {k: v for k, v in record["inputs"].items() if k != "objectLockEnabled"}
            record = {**record, "inputs": inputs, "ignore_changes": []}
        older.append(record)
    return older
