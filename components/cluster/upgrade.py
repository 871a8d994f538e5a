"""odoo.update_modules at step 7: `odoo -u` once per (image, modules), as a one-off ECS task of its own
definition (components/cluster/tasks.py: the cron task's containers and role, this command), run by
`pulumi up` before the web and cron services take the new image; the services depend on it, so a
failed upgrade stops the deploy with the old tasks serving (docs/step7.md, "Module upgrades").
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import pulumi
import pulumi_command as command

SCRIPT = Path(__file__).resolve().parent / "scripts" / "odoo-upgrade-modules"
# Long enough for a large `-u all`; the script stops the task and fails after it.
TIMEOUT_SECONDS = 3600


def upgrade_command(modules: Sequence[str]) -> list[str]:
    """The odoo container's command: worded as the host's one-shot container
    (components/delivery/image_steps.py upgrade_modules); names are checked by the config."""
    return ["odoo", "-u", ",".join(modules), "--stop-after-init", "--no-http"]


@dataclass
class UpgradeArgs:
    stack: str
    region: str
    image: str
    modules: tuple[str, ...]
    cluster_name: pulumi.Input[str]
    task_definition_arn: pulumi.Input[str]
    subnet_ids: pulumi.Input[Sequence[str]]
    security_group_id: pulumi.Input[str]
    public_ip: bool


class ModuleUpgrade(pulumi.ComponentResource):
    def __init__(self, name: str, args: UpgradeArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:cluster:ModuleUpgrade", name, None, opts)
        # The program's own interpreter: it has boto3 (the deploy runner's venv).
        run = f"{sys.executable} {SCRIPT}"
        environment = {
            "AWS_REGION": args.region, "UPGRADE_CLUSTER": args.cluster_name,
            "UPGRADE_TASK_DEFINITION": args.task_definition_arn,
            "UPGRADE_SUBNETS": pulumi.Output.from_input(args.subnet_ids).apply(",".join),
            "UPGRADE_SECURITY_GROUP": args.security_group_id,
            "UPGRADE_PUBLIC_IP": "ENABLED" if args.public_ip else "DISABLED",
            "UPGRADE_MODULES": ",".join(args.modules), "UPGRADE_TIMEOUT": str(TIMEOUT_SECONDS)}
        # Once per (image, modules): a new digest or module list replaces the command, which runs it again.
        self.command = command.local.Command(
            f"{name}-run", create=run, update=run, environment=environment,
            triggers=[args.image, ",".join(args.modules)], opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({"stdout": self.command.stdout})
