"""Delivery to the EC2 host through SSM: a Command document run by a State Manager association.

Why SSM and not SSH: nothing but 80/443 (8069 at step 0) is open, the same `pulumi up` works from a
laptop and from CI with AWS credentials alone, and Pulumi waits for the run to succeed.
"""
from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from components.delivery.apply_script import render_apply_script

HOST_PROJECT_DIR = "/srv/odoo-ladder"
APPLY_TIMEOUT_SECONDS = 1800
# On tmpfs; the script holds no secret, only the commands that read them.
SCRIPT_PATH = "/run/odoo-ladder-apply.sh"


def render_document(apply_script: str, secret_versions: str = "") -> str:
    """The document holds no secret and reads none: the host's writer (a systemd unit the apply script
    installs) reads the store. secret_versions: a secret changed by `pulumi up` makes a new document,
    so the host applies again."""
    body = apply_script.split("\n", 1)[1]
    script = ("#!/bin/bash\nset -euo pipefail\n"
              f"# secret versions: {secret_versions or 'unknown'}\n"
              "# Docker and the data volume come from cloud-init; wait until it is done.\n"
              "cloud-init status --wait >/dev/null || true\n"
              + body)
    # runShellScript runs its lines with /bin/sh; the script is bash, so it is written out and run by bash.
    run = [f"cat > {SCRIPT_PATH} <<'ODOO_LADDER_SCRIPT'", *script.splitlines(), "ODOO_LADDER_SCRIPT",
           f"exec /bin/bash {SCRIPT_PATH}"]
    return json.dumps({
        "schemaVersion": "2.2",
        "description": "Apply the odoo-ladder compose project",
        "mainSteps": [{"action": "aws:runShellScript", "name": "apply",
                       "inputs": {"timeoutSeconds": str(APPLY_TIMEOUT_SECONDS), "runCommand": run}}],
    }, indent=1)


class SsmDeliveryArgs:
    def __init__(self, stack: str, region: str, files: pulumi.Input[dict], service, instance_id: pulumi.Input[str],
                 parameter_path: str, depends_on: list[pulumi.Resource], secret_versions: pulumi.Input[str] = ""):
        self.stack = stack
        self.region = region
        self.files = files
        self.service = service
        self.instance_id = instance_id
        self.parameter_path = parameter_path
        self.depends_on = depends_on
        self.secret_versions = secret_versions


class SsmDelivery(pulumi.ComponentResource):
    document_name: pulumi.Output[str]

    def __init__(self, name: str, args: SsmDeliveryArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:delivery:SsmDelivery", name, None, opts)
        def document_for(files: dict[str, str], versions: str) -> str:
            apply = render_apply_script(args.stack, files, args.service, HOST_PROJECT_DIR, on_host=True)
            return render_document(apply, secret_versions=versions)

        document = aws.ssm.Document(
            f"{name}-document", document_type="Command", document_format="JSON",
            content=pulumi.Output.all(args.files, args.secret_versions).apply(lambda pair: document_for(*pair)),
            tags={"odoo-ladder:stack": args.stack}, opts=pulumi.ResourceOptions(parent=self))
        # A new document version updates the association, which runs it again; Pulumi waits for success.
        association = aws.ssm.Association(
            f"{name}-apply", name=document.name, document_version=document.latest_version,
            targets=[{"key": "InstanceIds", "values": [args.instance_id]}],
            wait_for_success_timeout_seconds=APPLY_TIMEOUT_SECONDS, max_errors="0",
            opts=pulumi.ResourceOptions(parent=self, depends_on=args.depends_on))
        self.document_name = document.name
        # Applying again by hand (after a rotation outside Pulumi): aws ssm start-associations-once.
        self.association_id = association.association_id
        self.register_outputs({"document_name": self.document_name, "association_id": self.association_id})
