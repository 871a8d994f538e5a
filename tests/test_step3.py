"""Step 3 under mocks: secrets in SSM or Secrets Manager under the stack's KMS key, read by the image.

The canary test gives the stack known secret values and looks for them everywhere they must not be.
"""
import json
from pathlib import Path

import pytest

from configs.load import from_mapping
from ladder.mocked import run_stack, stack_config
from ladder.render import write_artifacts
from tests.stacks import EXAMPLES, aws, compose_of, delivered_apply_script, role_policy

CANARIES = {"db_password": "CanaryDb0000111", "admin_passwd": "CanaryMaster222", "admin_password": "CanaryLogin3333"}


def with_canaries(config: dict) -> dict:
    return {**config, **{f"odoo-ladder:{key}": value for key, value in CANARIES.items()}}


def leaks(value, path: str, secret_paths: set[str]) -> list[str]:
    """Paths where a canary value shows in a plain (not secret) input."""
    if path in secret_paths:
        return []
    if isinstance(value, dict):
        return [hit for k, v in value.items() for hit in leaks(v, f"{path}.{k}" if path else k, secret_paths)]
    if isinstance(value, list):
        return [hit for i, v in enumerate(value) for hit in leaks(v, f"{path}[{i}]", secret_paths)]
    return [path] if isinstance(value, str) and any(c in value for c in CANARIES.values()) else []


@pytest.mark.parametrize("stack", ["dev", *[str(p) for p in EXAMPLES]], ids=lambda s: Path(s).stem)
def test_canary_secrets_appear_only_as_secrets(stack, tmp_path):
    config = with_canaries(stack_config(stack))
    # Under the example's own stack name: step 7's image must come from that stack's repository.
    name = Path(stack).stem
    run = run_stack(config, stack=name)
    found = [f"{r.type} {r.name}: {hit}" for r in run.resources for hit in leaks(r.inputs, "", r.secret_paths)]
    assert found == []
    for output, value in run.outputs.items():
        if output not in run.secret_outputs:
            assert not any(c in json.dumps(value) for c in CANARIES.values()), output
    write_artifacts(from_mapping(name, config), tmp_path)
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert not any(c in path.read_text() for c in CANARIES.values()), path
    if "aws:ec2/instance:Instance" in run.types():
        user_data = run.one("aws:ec2/instance:Instance").inputs["userData"]
        assert not any(c in user_data for c in CANARIES.values())


def test_ssm_store_uses_securestring_under_the_stack_key():
    run = run_stack(aws(3), stack="prod")
    key = run.one("aws:kms/key:Key").inputs
    assert key["enableKeyRotation"] is True
    for parameter in run.of_type("aws:ssm/parameter:Parameter"):
        assert parameter.inputs["type"] == "SecureString"
        assert parameter.inputs["keyId"] == "arn:aws:kms:eu-south-1:123456789012:key/secrets-key"
        assert parameter.inputs["name"].startswith("/odoo-ladder/prod/")
    assert {p.inputs["name"] for p in run.of_type("aws:ssm/parameter:Parameter")} == {
        "/odoo-ladder/prod/db_password", "/odoo-ladder/prod/admin_passwd", "/odoo-ladder/prod/admin_password"}


def test_the_role_reads_only_the_stack_path_and_decrypts_only_through_the_store():
    run = run_stack(aws(3), stack="prod")
    policy = role_policy(run, "credentials-read")
    actions = {a for s in policy["Statement"] for a in s["Action"]}
    assert actions == {"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "kms:Decrypt"}
    resources = {r for s in policy["Statement"] for r in s["Resource"]}
    assert "*" not in resources and all("/odoo-ladder/prod" in r or ":key/" in r for r in resources)
    kms = [s for s in policy["Statement"] if s["Action"] == ["kms:Decrypt"]][0]
    assert kms["Condition"] == {"StringEquals": {"kms:ViaService": "ssm.eu-south-1.amazonaws.com"}}


def test_secretsmanager_store_keeps_secrets_there_and_no_parameters():
    run = run_stack(aws(3, secrets={"store": "secretsmanager"}), stack="prod")
    assert not run.of_type("aws:ssm/parameter:Parameter")
    secrets = run.of_type("aws:secretsmanager/secret:Secret")
    assert {s.inputs["name"] for s in secrets} == {f"/odoo-ladder/prod/{k}" for k in CANARIES}
    assert all(s.inputs["kmsKeyId"].endswith(":key/secrets-key") for s in secrets)
    versions = run.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    assert versions and all("secretString" in v.secret_paths for v in versions)
    policy = role_policy(run, "credentials-read")
    assert {a for s in policy["Statement"] for a in s["Action"]} == {"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "kms:Decrypt"}


def test_the_containers_run_the_official_image_on_the_hosts_secrets_folder():
    compose = compose_of(run_stack(aws(3), stack="prod"))
    odoo = compose["services"]["odoo"]
    assert odoo["image"] == "odoo:18.0" and "build" not in odoo
    assert odoo["environment"] == {"ODOO_RC": "/run/odoo-ladder/odoo.conf"}
    assert "/run/odoo-ladder/odoo-prod:/run/odoo-ladder:ro" in odoo["volumes"]
    assert "secrets-writer" not in compose["services"], "the host writes the secrets on AWS"
    assert "edge" not in compose["services"]["odoo-init"]["networks"]
    assert not any("/run" in volume for volume in compose["services"]["db"]["volumes"])


def test_the_delivery_no_longer_reads_the_secrets_on_the_host():
    run = run_stack(aws(3), stack="prod")
    content = run.one("aws:ssm/document:Document").inputs["content"]
    apply = delivered_apply_script(run)
    for text in (content, apply):
        assert "WithDecryption=True" not in text and "ODOO_LADDER_DB_PASSWORD" not in text
    assert "# secret versions: db_password=1 admin_passwd=1 admin_password=1" in content


def test_a_secret_changed_by_pulumi_makes_a_new_document_so_the_host_applies_again():
    from components.delivery.ssm import render_document
    sha = "0" * 64
    first = render_document("eu-south-1", "bucket", f"bundles/{sha}.tar", sha, "db_password=1")
    second = render_document("eu-south-1", "bucket", f"bundles/{sha}.tar", sha, "db_password=2")
    assert first != second


def test_moving_from_step2_to_step3_keeps_the_parameters_and_their_key_and_rotates_the_values():
    lower, higher = run_stack(aws(2), stack="prod"), run_stack(aws(3, proxy={"kind": "nginx"}), stack="prod")
    before = {p.name: p for p in lower.of_type("aws:ssm/parameter:Parameter")}
    after = {p.name: p for p in higher.of_type("aws:ssm/parameter:Parameter")}
    assert set(before) == set(after)
    # The stack's own key from Step 0: the same key (same resource) before and after.
    assert all(p.inputs["keyId"].endswith(":key/secrets-key") for p in [*before.values(), *after.values()])
    low, high = ({p.name: p.inputs["keepers"] for p in run.of_type("random:index/randomPassword:RandomPassword")}
                 for run in (lower, higher))
    assert set(low) == set(high) and low
    assert all(low[name] != high[name] for name in low)  # a new value for every generated secret


def test_a_pinned_image_must_be_the_official_one_at_step3():
    from configs.errors import ConfigError
    with pytest.raises(ConfigError) as caught:
        from_mapping("t", aws(3, odoo={"image": "ghcr.io/me/odoo:18"}))
    assert "odoo-ladder:odoo.image" in str(caught.value)
    cfg = from_mapping("t", aws(3, odoo={"image": "odoo:18.0-20250101"}))
    assert cfg.settings.odoo.image == "odoo:18.0-20250101"
