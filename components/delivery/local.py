"""Delivery to the Docker engine of the machine that runs Pulumi (the `dev` stack).

The same bundle as on AWS (components/delivery/artifact.py) reaches the command on its stdin; the
command unpacks it into a private temporary folder and runs the bundled apply script.
"""
from __future__ import annotations

import base64
from typing import Optional

import pulumi
import pulumi_command as command

from components.delivery.apply_script import SECRET_ENV, render_apply_script, render_down_script
from components.delivery.artifact import APPLY_SCRIPT, Artifact, pack

# Relative to the user's home, so the same stack file works on every laptop.
LOCAL_DIR = "$HOME/.odoo-ladder/{stack}"

# Only bash, base64, mktemp and tar: what a Linux or macOS laptop has.
RUN_BUNDLE = f"""set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
base64 --decode | tar -xf - -C "$work"
bash "$work/{APPLY_SCRIPT}"
"""


def local_artifact(stack: str, files: dict[str, str], service) -> Artifact:
    return pack(render_apply_script(stack, files, service, LOCAL_DIR.format(stack=stack), on_host=False), files)


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
        artifact = local_artifact(args.stack, args.files, args.service)
        environment = {env: args.secrets[key] for env, key in SECRET_ENV.items()}
        # A changed bundle changes stdin, which is an update that runs the same command again; it never
        # replaces (and so never stops) the running project first. Destroy stops it and keeps the volumes.
        run = command.local.Command(
            f"{name}-compose", create=RUN_BUNDLE, update=RUN_BUNDLE,
            stdin=base64.b64encode(artifact.archive).decode(),
            delete=render_down_script(args.stack, LOCAL_DIR.format(stack=args.stack)),
            environment=environment, interpreter=["/bin/bash", "-c"], opts=pulumi.ResourceOptions(parent=self))
        self.output = run.stdout
        self.register_outputs({"output": self.output})
