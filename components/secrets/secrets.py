"""Step 3: the stack's own KMS key for its secrets, whichever store keeps them.

The values and their storage are the credentials component's; this key is what makes them
readable only by this stack's host, and only through the store (kms:ViaService).
"""
from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws


class SecretsArgs:
    def __init__(self, stack: str, store: str):
        self.stack = stack
        self.store = store


class Secrets(pulumi.ComponentResource):
    key_arn: pulumi.Output[str]

    def __init__(self, name: str, args: SecretsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:secrets:Secrets", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        key = aws.kms.Key(f"{name}-key", description=f"odoo-ladder {args.stack}: secrets in {args.store}",
                          enable_key_rotation=True, deletion_window_in_days=30,
                          tags={"odoo-ladder:stack": args.stack}, opts=child)
        aws.kms.Alias(f"{name}-alias", name=f"alias/odoo-ladder-{args.stack}", target_key_id=key.key_id, opts=child)
        self.key_arn = key.arn
        self.register_outputs({"key_arn": self.key_arn})
