"""registry.kind: dockerhub: an image on Docker Hub, pulled by digest with an account and its access
token, the token kept as a Pulumi secret and delivered like the stack's other secrets (in its store,
read by the host with its role), never in the bundle or on disk.
"""
import os
import subprocess

import pytest

from components.app.service import odoo_service
from components.delivery import image_steps
from configs.errors import ConfigError
from configs.load import from_mapping
from ladder.mocked import ACCOUNT, run_stack
from tests.registry.test_host_pull import STAND_IN_DOCKER
from tests.secrets.conftest import aws_env, boto_client, distro_python
from tests.stacks import aws, compose_of, delivered_apply_script, delivered_bundle, local

IMAGE = "docker.io/acme/odoo@sha256:" + "c" * 64
TOKEN = "dckr_pat_Example0123456789abcdef"
ECR_IMAGE = "123456789012.dkr.ecr.eu-south-1.amazonaws.com/odoo-ladder/prod@sha256:" + "a" * 64


def dockerhub(step: int = 4, store: str = "ssm", **registry) -> dict:
    settings = {"enabled": True, "kind": "dockerhub", "username": "acmeops", "image": IMAGE, **registry}
    config = aws(step, registry=settings, **({"secrets": {"store": store}} if store != "ssm" else {}))
    config["odoo-ladder:registry_token"] = TOKEN
    return config


def secret(config: dict) -> list[str]:
    return [key for key in config if key.endswith(("registry_token", "db_password"))]


@pytest.fixture(scope="module")
def run():
    config = dockerhub()
    return run_stack(config, stack="prod", secret_keys=secret(config))


def test_the_token_is_stored_like_the_other_secrets_under_the_stack_key(run):
    [parameter] = [p for p in run.of_type("aws:ssm/parameter:Parameter") if p.name == "credentials-registry_token"]
    assert parameter.inputs["name"] == "/odoo-ladder/prod/registry_token"
    assert parameter.inputs["type"] == "SecureString"
    assert parameter.inputs["keyId"] == f"arn:aws:kms:eu-south-1:{ACCOUNT}:key/secrets-key"


def test_the_host_logs_in_to_docker_hub_with_the_stored_token_and_runs_the_digest(run):
    script = delivered_apply_script(run)
    assert "docker login --username acmeops --password-stdin >/dev/null" in script
    assert "- ssm eu-south-1 /odoo-ladder/prod/registry_token" in script
    assert {compose_of(run)["services"][s]["image"] for s in ("odoo", "odoo-init")} == {IMAGE}
    assert not any(TOKEN in text for text in delivered_bundle(run).values()), "the token never enters the bundle"


def test_no_ecr_repository_and_no_ci_role_for_docker_hub_without_github(run):
    assert run.of_type("aws:ecr/repository:Repository") == []
    assert not [r for r in run.of_type("aws:iam/role:Role") if r.name.startswith("cicd-")]


@pytest.mark.parametrize("config, key", [
    (dockerhub(username=None), "odoo-ladder:registry.username"),
    ({k: v for k, v in dockerhub().items() if k != "odoo-ladder:registry_token"}, "odoo-ladder:registry_token"),
    (dockerhub(image=ECR_IMAGE), "odoo-ladder:registry.image"),
    (aws(4, registry={"enabled": True, "image": IMAGE}), "odoo-ladder:registry.image"),
    ({**local(1, registry={"enabled": True, "kind": "dockerhub", "username": "acmeops"})}, "odoo-ladder:registry.enabled"),
    # With registry.github the CI roles are made and deploy.yml pushes to registry.image's repository.
    (dockerhub(image=None, github={"owner": "acme", "repo": "erp-infra", "state_bucket": "b",
                                   "state_key_arn": "arn:aws:kms:eu-south-1:123456789012:key/k"}),
     "odoo-ladder:registry.image"),
    (dockerhub(github={"owner": "acme"}), "odoo-ladder:registry.github.state_bucket"),
], ids=["no-username", "no-token", "ecr-image", "hub-image-on-ecr", "local", "ci-without-image", "ci-without-state"])
def test_refused_naming_the_key(config, key):
    with pytest.raises(ConfigError) as refused:
        from_mapping("prod", config)
    assert f"{key}:" in str(refused.value)


def test_a_token_in_plain_text_is_refused():
    with pytest.raises(ConfigError, match="odoo-ladder:registry_token: given in plain text"):
        from_mapping("prod", dockerhub(), secret_keys=frozenset())


@pytest.mark.parametrize("store", ["ssm", "secretsmanager"])
def test_the_host_reads_the_token_from_its_store_and_pipes_it_to_docker_login(store, moto_endpoint, tmp_path,
                                                                               monkeypatch):
    python = distro_python()
    monkeypatch.setattr(image_steps.secrets_steps, "HOST_PYTHON", python)
    monkeypatch.setattr(image_steps, "AUTH_PARENT", str(tmp_path))
    config = dockerhub(3, store)
    service = odoo_service(from_mapping(f"hub{store[:3]}", config, secret_keys=frozenset(secret(config))))
    name = f"{service.secret_path}/registry_token"
    if store == "ssm":
        boto_client("ssm", moto_endpoint).put_parameter(Name=name, Value=TOKEN, Type="SecureString")
    else:
        boto_client("secretsmanager", moto_endpoint).create_secret(Name=name, SecretString=TOKEN)
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "docker").write_text(STAND_IN_DOCKER)
    (tmp_path / "bin" / "docker").chmod(0o755)
    log = tmp_path / "docker.log"
    env = {**aws_env(moto_endpoint), "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "DOCKER_LOG": str(log)}
    script = "set -euo pipefail\n" + image_steps.pull_own_image(service)
    result = subprocess.run(["/bin/bash", "-c", script], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = log.read_text()
    assert f"STDIN: {TOKEN}" in text
    assert "ARGV: login --username acmeops --password-stdin" in text and f"ARGV: pull --quiet {IMAGE}" in text
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("odoo-ladder-registry")]
