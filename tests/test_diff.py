"""`ladder diff`'s parts: the replace-on-change table, the data-holding list, URN matching, the summary."""
import copy
import json
import re
from pathlib import Path

import pytest

from ladder.diff import diff_plans, render_diff
from ladder.holds_data import DATA_TYPES, holds_data
from configs.load import from_mapping
from ladder.mocked import stack_config
from ladder.plan import plan_config
from ladder.replacements import ANY, CONDITIONAL, FORCE_NEW, is_component, replacing_keys
from ladder.summary import side, summarize
from tests.moves import CONFIGS, STACK, config_of, planned

EXCERPT = json.loads((Path(__file__).parent / "data" / "terraform_force_new.json").read_text())
# Stacks beyond the move matrix that register other types: CloudWatch logs, a Route53 record, local delivery.
EXTRA = {
    "step4-cloudwatch": {**CONFIGS["step4"], "odoo-ladder:logs": json.dumps({"cloudwatch": True})},
    "step1-route53": {**CONFIGS["step1"], "odoo-ladder:dns_zone_id": "Z0123456789ABCDEFGHIJ"},
    "dev": stack_config("dev"),
}
PINNED = {**CONFIGS["step0"], "odoo-ladder:host": json.dumps({"ami": "ami-0123456789abcdef0"})}


def _registered_types() -> set[str]:
    types = {r["type"] for name in CONFIGS for r in planned(name)}
    types |= {r["type"] for config in EXTRA.values() for r in plan_config(config, STACK)}
    return {t for t in types if not is_component(t)}


def _record(type_: str, **inputs) -> dict:
    return {"urn": f"urn:pulumi:a::odoo-ladder::{type_}::r", "type": type_, "name": "r", "parent": None,
            "inputs": inputs, "protect": False, "retain_on_delete": False, "ignore_changes": []}


def test_every_type_the_program_registers_has_a_replacement_entry():
    types = _registered_types()
    assert {"aws:cloudwatch/logGroup:LogGroup", "aws:route53/record:Record", "command:local:Command",
            "aws:secretsmanager/secret:Secret"} <= types, "a variant no longer registers what it was added for"
    assert sorted(types - set(FORCE_NEW)) == []


def test_every_data_holding_type_has_a_replacement_entry():
    assert sorted(set(DATA_TYPES) - set(FORCE_NEW)) == []


def test_the_delivery_bundle_object_type_has_an_entry():
    assert FORCE_NEW["aws:s3/bucketObjectv2:BucketObjectv2"] == {"bucket", "key"}


@pytest.mark.parametrize("type_, key, before, after", [
    ("aws:ec2/instance:Instance", "ami", "ami-0aaaaaaaaaaaaaaaa", "ami-0bbbbbbbbbbbbbbbb"),
    ("aws:ebs/volume:Volume", "availabilityZone", "eu-south-1a", "eu-south-1b"),
    ("aws:ssm/parameter:Parameter", "name", "/odoo-ladder/a/db_password", "/odoo-ladder/b/db_password"),
    ("aws:ec2/securityGroup:SecurityGroup", "description", "odoo-ladder a host", "odoo-ladder b host"),
    ("random:index/randomPassword:RandomPassword", "length", 32, 40),
])
def test_a_forcenew_input_is_a_replacement(type_, key, before, after):
    assert replacing_keys(type_, {key: before}, {key: after}, [key]) == [key]


@pytest.mark.parametrize("type_, key, before, after", [
    ("aws:ec2/instance:Instance", "tags", {"Name": "a"}, {"Name": "b"}),
    ("aws:ec2/instance:Instance", "userData", "#cloud-config a", "#cloud-config b"),
    ("aws:ebs/volume:Volume", "size", 30, 40),
    ("aws:ssm/parameter:Parameter", "value", "x", "y"),
    ("aws:ec2/securityGroup:SecurityGroup", "ingress", [], [{"fromPort": 80}]),
])
def test_other_inputs_update_in_place(type_, key, before, after):
    assert replacing_keys(type_, {key: before}, {key: after}, [key]) == []


def test_nested_entries_look_inside_the_block():
    before = {"rootBlockDevice": {"encrypted": True, "volumeSize": 20}}
    assert replacing_keys("aws:ec2/instance:Instance", before,
                          {"rootBlockDevice": {"encrypted": True, "volumeSize": 30}}, ["rootBlockDevice"]) == []
    assert replacing_keys("aws:ec2/instance:Instance", before,
                          {"rootBlockDevice": {"encrypted": False, "volumeSize": 20}},
                          ["rootBlockDevice"]) == ["rootBlockDevice"]


def test_conditional_replacements():
    assert replacing_keys("aws:ec2/instance:Instance", {"userData": "a"},
                          {"userData": "b", "userDataReplaceOnChange": True}, ["userData"]) == ["userData"]
    assert replacing_keys("aws:ssm/parameter:Parameter", {"tier": "Advanced"}, {"tier": "Standard"}, ["tier"]) == ["tier"]
    assert replacing_keys("command:local:Command", {"create": "a", "update": "a"},
                          {"create": "b", "update": "b"}, ["create", "update"]) == []
    assert replacing_keys("command:local:Command", {"create": "a"}, {"create": "b"}, ["create"]) == ["create"]


def test_an_unknown_type_is_an_error_not_a_guess():
    with pytest.raises(KeyError, match="FORCE_NEW"):
        replacing_keys("aws:ec2/natGateway:NatGateway", {}, {"subnetId": "x"}, ["subnetId"])


def _snake(path: str) -> str:
    plural = {"ebsBlockDevices": "ebsBlockDevice", "ephemeralBlockDevices": "ephemeralBlockDevice",
              "networkInterfaces": "networkInterface", "encryptionConfigurations": "encryptionConfiguration",
              "clientIdLists": "clientIdList", "validationOptions": "validationOption", "volumes": "volume",
              "inferenceAccelerators": "inferenceAccelerator"}
    return ".".join(re.sub(r"(?<!^)(?=[A-Z])", "_", plural.get(p, p)).lower() for p in path.split("."))


@pytest.mark.parametrize("type_", [t for t in EXCERPT if not t.startswith("_")])
def test_the_table_matches_the_terraform_source_excerpt(type_):
    excerpt = EXCERPT[type_]
    assert {_snake(entry) for entry in FORCE_NEW[type_]} == set(excerpt["force_new"]), excerpt["source"]
    assert (type_ in CONDITIONAL) == bool(excerpt.get("force_new_if"))


def test_what_holds_data():
    for type_ in ("aws:kms/key:Key", "aws:ssm/parameter:Parameter", "aws:secretsmanager/secret:Secret",
                  "aws:s3/bucket:Bucket", "aws:ebs/volume:Volume", "random:index/randomPassword:RandomPassword",
                  "aws:cloudwatch/logGroup:LogGroup"):
        assert holds_data(_record(type_)), type_
    assert not holds_data(_record("aws:ec2/instance:Instance"))
    # A bucket the program empties itself on delete (the delivery's artifacts) holds nothing to lose.
    assert not holds_data(_record("aws:s3/bucket:Bucket", forceDestroy=True))
    assert holds_data({**_record("aws:s3/bucket:Bucket", forceDestroy=True), "retain_on_delete": True})
    assert holds_data({**_record("aws:ec2/instance:Instance"), "protect": True})
    example = {r["type"] for r in planned("step4") if holds_data(r)}
    assert {"aws:kms/key:Key", "aws:ssm/parameter:Parameter", "aws:s3/bucket:Bucket", "aws:ebs/volume:Volume",
            "random:index/randomPassword:RandomPassword"} <= example


def test_pinning_the_ami_shows_the_host_replaced():
    result = diff_plans(list(planned("step0")), plan_config(PINNED, STACK))
    assert [(c.name, c.replaced_by) for c in result.replaced] == [("host-instance", ["ami"])]
    assert "+- replace host-instance (aws:ec2/instance:Instance): ami" in render_diff(result)


def test_an_unpinned_ami_change_is_ignored_as_pulumi_ignores_it():
    before = list(planned("step0"))
    after = copy.deepcopy(before)
    instance = next(r for r in after if r["type"] == "aws:ec2/instance:Instance")
    assert instance["ignore_changes"] == ["ami"]
    instance["inputs"]["ami"] = "ami-0ccccccccccccccccc"
    assert diff_plans(before, after).replaced == []


def test_tags_are_an_update_and_a_removed_key_a_data_warning():
    instance = _record("aws:ec2/instance:Instance", ami="ami-1", tags={"Name": "a"})
    key = {**_record("aws:kms/key:Key"), "urn": "urn:pulumi:a::odoo-ladder::aws:kms/key:Key::k", "name": "k"}
    retagged = {**instance, "inputs": {"ami": "ami-1", "tags": {"Name": "b"}}}
    result = diff_plans([instance, key], [retagged])
    assert [c.keys for c in result.updated] == [["tags"]] and result.replaced == []
    assert "- k (aws:kms/key:Key)  !! holds data: the key the stack's secrets are encrypted with" in render_diff(result)


def test_urns_of_another_stack_compare_as_the_same_stack():
    a = [_record("aws:ec2/instance:Instance", ami="ami-1")]
    b = [{**a[0], "urn": a[0]["urn"].replace("urn:pulumi:a::", "urn:pulumi:b::")}]
    result = diff_plans(a, b)
    assert (result.added, result.removed, result.updated, result.replaced) == ([], [], [], [])


def _summary(before: str, after: str) -> str:
    a, b = list(planned(before)), list(planned(after))
    return "\n".join(summarize(side(config_of(before), a), side(config_of(after), b), diff_plans(a, b)))


def test_the_summary_of_step0_to_step1_names_ports_services_certificate_and_dns():
    text = _summary("step0", "step1")
    for line in ("port 8069 closes (was open to 203.0.113.7/32)", "port 80 opens to the world",
                 "port 443 opens to the world", "service caddy is added", "Odoo goes from 0 to 2 workers",
                 "caddy is added: it requests a certificate for erp.example.org",
                 "DNS: create the A record erp.example.org"):
        assert line in text, line


def test_the_summary_of_a_proxy_switch_says_a_new_certificate_and_downtime():
    text = _summary("step1", "step1-nginx")
    assert "the proxy switches from caddy to nginx: a new certificate is issued for erp.example.org" in text
    assert "downtime: caddy stops and nginx starts" in text
    assert "DNS" not in text, "the record already points at the host"


def test_the_summary_of_a_store_switch_and_of_a_move_down():
    assert "the secrets move from ssm to secretsmanager" in _summary("step3", "step3-secretsmanager")
    text = _summary("step4", "step3")
    assert ("data: backup-bucket holds the backup sets: keep the bucket (retain it) or copy the backup sets "
            "elsewhere first") in text and "downtime: none expected" in text


def test_a_replaced_password_is_reported_as_a_rotation():
    a = list(planned("step0"))
    b = copy.deepcopy(a)
    password = next(r for r in b if r["name"] == "credentials-db_password" and "randomPassword" in r["type"])
    password["inputs"]["length"] = 40
    text = "\n".join(summarize(side(config_of("step0"), a), side(config_of("step0"), b), diff_plans(a, b)))
    assert "the generated password credentials-db_password is replaced: a new value" in text
    assert "rotates" not in text  # only a change of keepers is the program's own rotation


def test_the_wildcard_entry_stands_alone():
    # ANY is only for types whose every argument re-creates; no table entry mixes it with names.
    assert all(entries == {ANY} or ANY not in entries for entries in FORCE_NEW.values())


NEW_DIGEST = f"123456789012.dkr.ecr.eu-south-1.amazonaws.com/odoo-ladder/{STACK}@sha256:" + "e" * 64


def _step6_image() -> str:
    return json.loads(CONFIGS["step6"]["odoo-ladder:registry"])["image"]


def _with_image(name: str, image: str = NEW_DIGEST, **odoo) -> dict:
    config = dict(CONFIGS[name])
    registry = json.loads(config["odoo-ladder:registry"])
    config["odoo-ladder:registry"] = json.dumps({**registry, "image": image})
    if odoo:
        config["odoo-ladder:odoo"] = json.dumps({**json.loads(config["odoo-ladder:odoo"]), **odoo})
    return config


def _summary_of(before: dict, after: dict) -> str:
    a, b = plan_config(before, STACK), plan_config(after, STACK)
    return "\n".join(summarize(side(from_mapping(STACK, before), a), side(from_mapping(STACK, after), b),
                               diff_plans(a, b)))


def test_a_new_image_digest_is_a_short_restart_not_no_downtime():
    text = _summary_of(CONFIGS["step6"], _with_image("step6"))
    assert "downtime: none expected" not in text
    assert (f"downtime: Odoo moves to the image {NEW_DIGEST}: compose recreates its container, a short restart "
            "in which the site does not answer") in text
    assert "odoo -u" not in text, "no upgrade without odoo.update_modules"


def test_a_new_image_with_update_modules_says_the_upgrade_runs_first():
    text = _summary_of(_with_image("step6", _step6_image(), update_modules=["sale", "stock"]),
                       _with_image("step6", update_modules=["sale", "stock"]))
    assert "a short restart" in text
    assert ("before it, `odoo -u sale,stock --stop-after-init` runs once in a container of the new image while "
            "the old one keeps serving (a failed upgrade stops the rollout there") in text


def test_the_same_image_is_still_no_downtime():
    assert "downtime: none expected" in _summary_of(CONFIGS["step6"], dict(CONFIGS["step6"]))


def test_the_first_deploy_from_the_official_image_restarts_odoo_too():
    assert "downtime: Odoo moves to the image" in _summary("step6-official", "step6")
