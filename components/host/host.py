"""The EC2 Docker host (steps 0-6) and its data volume, which outlives it.

With host.retire (step 7, the site on the ALB) only the volume and the role stay: the volume, detached,
is the last copy of the pre-move filestore and database; the role is named by key and bucket policies
of other components, and no instance profile is left to carry it (docs/step7-move.md).
"""
from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from components.host.cloud_init import DATA_DEVICE, render_user_data
from components.host.firewall import public_ingress
from components.secrets.agent_policy import agent_policy
from components.secrets.policy import parameter_path
from configs.load import LadderConfig

UBUNTU_OWNER = "099720109477"  # Canonical
UBUNTU_NAME = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"


class HostArgs:
    def __init__(self, cfg: LadderConfig, vpc_id: pulumi.Input[str], subnet_id: pulumi.Input[str],
                 availability_zone: str):
        self.cfg = cfg
        self.vpc_id = vpc_id
        self.subnet_id = subnet_id
        self.availability_zone = availability_zone


def _ami(cfg: LadderConfig) -> tuple[str, Optional[list[str]]]:
    """A pinned AMI is used as it is; otherwise the newest Ubuntu, taken once and then ignored."""
    if cfg.settings.host.ami:
        return cfg.settings.host.ami, None
    image = aws.ec2.get_ami(most_recent=True, owners=[UBUNTU_OWNER],
                            filters=[{"name": "name", "values": [UBUNTU_NAME]},
                                     {"name": "architecture", "values": ["x86_64"]}])
    return image.id, ["ami"]


def _data_volume(name: str, args: HostArgs, tags: dict, parent: pulumi.Resource) -> aws.ebs.Volume:
    """The data outlives the host: protected from `pulumi destroy`, kept if removed from the program,
    and snapshotted if it is ever deleted on purpose."""
    cfg = args.cfg
    return aws.ebs.Volume(
        f"{name}-data", availability_zone=args.availability_zone, size=cfg.settings.host.data_volume_gb,
        type="gp3", encrypted=True, final_snapshot=True, tags={**tags, "Name": f"odoo-ladder-{cfg.stack}-data"},
        # Its zone is chosen once (components/network/zones.py); a different answer never moves it.
        opts=pulumi.ResourceOptions(parent=parent, protect=True, retain_on_delete=True,
                                    ignore_changes=["availabilityZone"]))


class Host(pulumi.ComponentResource):
    # None once retired: no instance, address or security group.
    instance_id: Optional[pulumi.Output[str]]
    public_ip: Optional[pulumi.Output[str]]
    security_group_id: Optional[pulumi.Output[str]]
    role_name: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    data_volume_id: pulumi.Output[str]
    data_volume_zone: pulumi.Output[str]

    def __init__(self, name: str, args: HostArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:host:Host", name, None, opts)
        cfg = args.cfg
        child = pulumi.ResourceOptions(parent=self)
        tags = {"Name": f"odoo-ladder-{cfg.stack}", "odoo-ladder:stack": cfg.stack}
        role = aws.iam.Role(f"{name}-role", tags=tags, opts=child, assume_role_policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                           "Principal": {"Service": "ec2.amazonaws.com"}}]}))
        volume = _data_volume(name, args, tags, self)
        self.role_name = role.name
        self.role_arn = role.arn
        self.data_volume_id = volume.id
        self.data_volume_zone = volume.availability_zone
        self.instance_id = self.public_ip = self.security_group_id = None
        if cfg.settings.host.retire:
            self.register_outputs({"role_name": self.role_name, "role_arn": self.role_arn,
                                   "data_volume_id": self.data_volume_id})
            return

        ingress = []
        for rule in public_ingress(cfg):
            blocks = {"ipv6_cidr_blocks": [rule.cidr]} if ":" in rule.cidr else {"cidr_blocks": [rule.cidr]}
            ingress.append({"protocol": rule.protocol, "from_port": rule.port, "to_port": rule.port,
                            "description": rule.description, **blocks})
        group = aws.ec2.SecurityGroup(
            f"{name}-sg", vpc_id=args.vpc_id, description=f"odoo-ladder {cfg.stack} host", ingress=ingress,
            egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"],
                     "description": "images, packages, ACME and AWS APIs"}],
            tags=tags, opts=child)

        # Session Manager replaces SSH, and the compose project is delivered through SSM: the agent's own
        # minimal policy, not AmazonSSMManagedInstanceCore (ssm:GetParameter and GetDocument on `*`).
        account = aws.get_caller_identity().account_id
        agent = aws.iam.RolePolicy(f"{name}-ssm-agent", role=role.name, opts=child, policy=json.dumps(
            agent_policy("aws", cfg.region, account, parameter_path(cfg.stack), cfg.stack)))
        profile = aws.iam.InstanceProfile(f"{name}-profile", role=role.name, tags=tags, opts=child)

        ami, ignored = _ami(cfg)
        instance = aws.ec2.Instance(
            f"{name}-instance", ami=ami, instance_type=cfg.settings.host.instance_type,
            subnet_id=args.subnet_id, vpc_security_group_ids=[group.id], iam_instance_profile=profile.name,
            metadata_options={"http_tokens": "required", "http_endpoint": "enabled",
                              "http_put_response_hop_limit": 1},
            root_block_device={"encrypted": True, "volume_type": "gp3",
                               "volume_size": cfg.settings.host.root_volume_gb},
            user_data=volume.id.apply(render_user_data), tags=tags,
            # The agent registers, and runs the delivery's association, only with its policy in place.
            # A new AMI replaces the host: the old one goes first (docs/step0.md, "Changing the AMI"),
            # because the data volume can be attached to one instance only.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=ignored, depends_on=[agent],
                                        delete_before_replace=True))
        # Replaced with its instance, and detached (the instance stopped first, so PostgreSQL shuts
        # down cleanly) before the new attachment: two at once is VolumeInUse, and `up` stops half done.
        aws.ec2.VolumeAttachment(f"{name}-data-attachment", device_name=DATA_DEVICE, volume_id=volume.id,
                                 instance_id=instance.id, stop_instance_before_detaching=True,
                                 opts=pulumi.ResourceOptions(parent=self, replace_on_changes=["instanceId"],
                                                             delete_before_replace=True))
        address = aws.ec2.Eip(f"{name}-eip", domain="vpc", instance=instance.id, tags=tags, opts=child)

        self.instance_id = instance.id
        self.public_ip = address.public_ip
        self.security_group_id = group.id
        self.register_outputs({"instance_id": self.instance_id, "public_ip": self.public_ip,
                               "security_group_id": self.security_group_id, "role_name": self.role_name,
                               "role_arn": self.role_arn,
                               "data_volume_id": self.data_volume_id})
