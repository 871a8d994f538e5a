"""Delivery to the Docker engine of the machine that runs Pulumi (the `dev` stack)."""
from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_command as command

from components.delivery.apply_script import SECRET_ENV, render_apply_script, render_down_script

# Relative to the user's home, so the same stack file works on every laptop.
LOCAL_DIR = "$HOME/.odoo-ladder/{stack}"


class LocalDeliveryArgs:
    def __init__(self, stack: str, files: dict[str, str], service, secrets: dict[str, pulumi.Output[str]]):
        self.stack = stack
        self.files = files
        self.service = service
        self.secrets = secrets


class LocalDelivery(pulumi.ComponentResource):
    output: pulumi.Output[str]

    def __init__(self, name: str, args: LocalDeliveryArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:delivery:LocalDelivery", name, None, opts)
        project_dir = LOCAL_DIR.format(stack=args.stack)
        apply = render_apply_script(args.stack, args.files, args.service, project_dir, on_host=False)
        environment = {env: args.secrets[key] for env, key in SECRET_ENV.items()}
        # A changed project is an update that runs the same script again; it never replaces (and so
        # never stops) the running project first. Destroy stops it and keeps the volumes.
        run = command.local.Command(
            f"{name}-compose", create=apply, update=apply, delete=render_down_script(args.stack, project_dir),
            environment=environment, interpreter=["/bin/bash", "-c"], opts=pulumi.ResourceOptions(parent=self))
        self.output = run.stdout
        self.register_outputs({"output": self.output})
