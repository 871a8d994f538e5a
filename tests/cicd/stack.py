"""A step-4 stack with the registry switched on (an explicit component, as step 6 presets it), run
under the mocks through the real wiring."""
from __future__ import annotations

import json

from ladder.mocked import StackRun, run_stack, stack_config
from tests.stacks import EXAMPLES, aws

STATE_BUCKET = "odoo-ladder-state-123456789012-eu-south-1"
STATE_KEY = "arn:aws:kms:eu-south-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
GITHUB = {"owner": "acme", "repo": "erp-infra", "state_bucket": STATE_BUCKET, "state_key_arn": STATE_KEY}


def registry_config(**github) -> dict:
    return aws(4, registry={"enabled": True, "github": {**GITHUB, **github}})


def run_registry(config: dict | None = None, stack: str = "prod") -> StackRun:
    return run_stack(config or registry_config(), stack=stack)


def run_step7() -> StackRun:
    """The step-7 example stack under its own name: its image is in its own repository (ladder/plan.py)."""
    path = next(p for p in EXAMPLES if p.stem == "step7")
    return run_stack(stack_config(str(path)), stack="step7")


def trust_of(run: StackRun, purpose: str) -> dict:
    return json.loads(run.named("aws:iam/role:Role", f"cicd-{purpose}").inputs["assumeRolePolicy"])


def role_documents(run: StackRun, purpose: str) -> list[dict]:
    """Every identity policy of one CI role: its inline policies, and the managed ones attached."""
    docs = [json.loads(r.inputs["policy"]) for r in run.of_type("aws:iam/rolePolicy:RolePolicy")
            if r.name.startswith(f"cicd-{purpose}-")]
    docs += [json.loads(r.inputs["policy"]) for r in run.of_type("aws:iam/policy:Policy")
             if r.name.startswith(f"cicd-{purpose}-")]
    return docs
