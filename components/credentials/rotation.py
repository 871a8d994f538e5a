"""When the stack's generated passwords are replaced: the keepers of their RandomPassword.

A generated password is replaced (a new value) whenever one of its keepers changes, so that a value
that lived under weaker protection never follows the stack into a stronger one:
- the stage: entering Step 3 (the secrets component) rotates every generated value, because
  before it, a stack deployed by an older odoo-ladder kept them in files on the host's disk;
- the store: moving between SSM and Secrets Manager;
- the key: a new KMS key (its ARN) means the old values sat under another key.
Given secrets (`pulumi config set --secret`) are the user's: the program never rotates them.
The local target has no store and no key: its values are never rotated by the program.
"""
from __future__ import annotations

import hashlib
import json
from typing import Optional

import pulumi


def rotation_keepers(store: str, secrets_component: bool, key_arn: Optional[pulumi.Input[str]]
                     ) -> pulumi.Output[dict]:
    stage = "secrets" if secrets_component else "before-secrets"
    return pulumi.Output.from_input(key_arn).apply(
        lambda arn: {"stage": stage, "store": store, "key": arn or "none"})


def rotation_epoch(keepers: dict) -> str:
    """A short, stable name for the keepers, for the delivery's fingerprint (holds no secret)."""
    return hashlib.sha256(json.dumps(keepers, sort_keys=True).encode()).hexdigest()[:12]
