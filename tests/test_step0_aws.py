"""Step 0 on AWS under mocks: what exists, what is open, what is encrypted, what survives."""
import json

import yaml

from ladder.mocked import run_stack
from tests.stacks import aws, role_policy, delivered_apply_script, delivered_bundle

SG = "aws:ec2/securityGroup:SecurityGroup"


def test_step0_registers_the_host_its_network_and_the_delivery():
    run = run_stack(aws())
    types = run.types()
    for expected in ("aws:ec2/vpc:Vpc", "aws:ec2/instance:Instance", "aws:ec2/eip:Eip", "aws:ebs/volume:Volume",
                     "aws:ec2/volumeAttachment:VolumeAttachment", "aws:iam/instanceProfile:InstanceProfile",
                     "aws:ssm/document:Document", "aws:ssm/association:Association"):
        assert expected in types
    assert "aws:ec2/natGateway:NatGateway" not in types
    assert len(run.of_type("aws:ec2/subnet:Subnet")) == 2


def test_only_8069_is_open_and_only_to_the_admin_cidrs():
    # IPv6 CIDRs and an empty list are refused by the config (tests/test_config_errors.py).
    run = run_stack(aws(admin_cidrs=["203.0.113.7/32", "198.51.100.0/24"]))
    ingress = run.one(SG).inputs["ingress"]
    assert {(r["fromPort"], r["toPort"]) for r in ingress} == {(8069, 8069)}
    assert sorted(c for r in ingress for c in r.get("cidrBlocks", [])) == ["198.51.100.0/24", "203.0.113.7/32"]
    assert all(not r.get("ipv6CidrBlocks") for r in ingress)
    assert all("0.0.0.0/0" not in r.get("cidrBlocks", []) for r in ingress)


def test_with_the_proxy_nothing_but_80_and_443_is_open_whatever_admin_cidrs_says():
    run = run_stack(aws(1))
    assert {(r["fromPort"], r["toPort"]) for r in run.one(SG).inputs["ingress"]} == {(80, 80), (443, 443)}


def test_subnets_give_no_public_address_by_default_the_eip_does():
    run = run_stack(aws())
    assert all(not s.inputs.get("mapPublicIpOnLaunch") for s in run.of_type("aws:ec2/subnet:Subnet"))
    assert run.outputs["url"] == "http://198.51.100.10:8069"


def test_the_instance_requires_imdsv2_and_encrypts_its_root_disk():
    instance = run_stack(aws()).one("aws:ec2/instance:Instance").inputs
    assert instance["metadataOptions"]["httpTokens"] == "required"
    assert instance["rootBlockDevice"]["encrypted"] is True
    assert "keyName" not in instance  # no SSH key: Session Manager only


def test_the_instance_profile_grants_session_manager_without_the_managed_policy():
    run = run_stack(aws(), stack="prod")
    assert not run.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    actions = {a for s in role_policy(run, "host-ssm-agent")["Statement"] if s["Effect"] == "Allow" for a in s["Action"]}
    assert {"ssm:UpdateInstanceInformation", "ssmmessages:OpenDataChannel", "ec2messages:GetMessages"} <= actions


def test_the_data_volume_is_encrypted_protected_and_outlives_the_host():
    volume = run_stack(aws()).one("aws:ebs/volume:Volume")
    assert volume.inputs["encrypted"] is True
    assert volume.inputs["finalSnapshot"] is True
    assert volume.protect and volume.retain_on_delete


def test_a_new_ami_does_not_replace_the_host_unless_pinned():
    unpinned = run_stack(aws()).one("aws:ec2/instance:Instance")
    assert unpinned.ignore_changes == ["ami"]
    pinned = run_stack(aws(host={"ami": "ami-0123456789abcdef0"})).one("aws:ec2/instance:Instance")
    assert pinned.inputs["ami"] == "ami-0123456789abcdef0"
    assert pinned.ignore_changes == []


def test_user_data_prepares_the_data_volume_and_holds_no_secret():
    run = run_stack(aws())
    user_data = run.one("aws:ec2/instance:Instance").inputs["userData"]
    document = yaml.safe_load(user_data)
    assert "docker-compose-v2" in document["packages"]
    command = document["runcmd"][0]
    assert command[:2] == ["/usr/local/sbin/prepare-data-volume", "/srv/odoo-data"]
    # the NVMe name is the volume id without its dash (the mock id is host-data-id)
    assert command[2] == "/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_hostdataid"
    for password in ("generated-credentials-db_password", "generated-credentials-admin_passwd"):
        assert password not in user_data


def test_passwords_are_generated_and_kept_as_securestring_parameters():
    run = run_stack(aws(), stack="prod")
    parameters = {p.inputs["name"]: p for p in run.of_type("aws:ssm/parameter:Parameter")}
    assert set(parameters) == {f"/odoo-ladder/prod/{k}" for k in
                               ("db_password", "admin_password", "admin_passwd")}
    for parameter in parameters.values():
        assert parameter.inputs["type"] == "SecureString"
        assert "value" in parameter.secret_paths
    assert "admin_password" in run.secret_outputs


def test_the_host_reads_only_its_own_stack_parameters():
    run = run_stack(aws(), stack="prod")
    policy = role_policy(run, "credentials-read")
    actions = {a for s in policy["Statement"] for a in s["Action"]}
    assert actions == {"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "kms:Decrypt"}
    resources = {r for s in policy["Statement"] for r in s["Resource"]}
    assert resources == {"arn:aws:ssm:eu-south-1:123456789012:parameter/odoo-ladder/prod",
                         "arn:aws:ssm:eu-south-1:123456789012:parameter/odoo-ladder/prod/*",
                         "arn:aws:kms:eu-south-1:123456789012:key/secrets-key"}


def test_the_bundle_carries_the_project_but_no_secret():
    run = run_stack(aws())
    script = delivered_apply_script(run)
    assert 'compose() { docker compose -p odoo-test "$@"; }' in script
    assert "compose up -d --remove-orphans" in script
    # The host's writer reads the store; the script reads no secret itself.
    assert "ODOO_LADDER_SECRET_PATH=/odoo-ladder/test " in script and "WithDecryption" not in script
    assert not any("generated-credentials" in text for text in delivered_bundle(run).values())
    assert "generated-credentials" not in run.one("aws:ssm/document:Document").inputs["content"]
    association = run.one("aws:ssm/association:Association").inputs
    assert association["targets"] == [{"key": "InstanceIds", "values": ["host-instance-id"]}]
    assert association["waitForSuccessTimeoutSeconds"] > 0


def test_given_secrets_are_used_instead_of_generated_ones():
    run = run_stack({**aws(), "odoo-ladder:db_password": "Given0Secret0Value"})
    names = {r.name for r in run.of_type("random:index/randomPassword:RandomPassword")}
    assert "credentials-db_password" not in names
    parameter = [p for p in run.of_type("aws:ssm/parameter:Parameter") if p.name == "credentials-db_password"][0]
    assert parameter.inputs["value"] == "Given0Secret0Value" and "value" in parameter.secret_paths
