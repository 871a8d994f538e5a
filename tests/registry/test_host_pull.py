"""The host runs the stack's own image: compose names it by digest, odoo.conf loads its addons, and the
apply script pulls it with the host's role before anything changes.

Mocked: the digest flows from registry.image into the delivered compose file and changes the bundle
(so `pulumi preview` shows a new image as a change). Functional: the pull step runs with bash, the
host's python3-boto3 against moto_server's ECR, and a stand-in `docker` that records what it gets.
"""
import os
import subprocess

import pytest

from components.app.service import ADDONS_DIR, odoo_service
from components.delivery import image_steps
from components.delivery.apply_script import render_apply_script
from configs.load import from_mapping
from ladder.mocked import run_stack, stack_config
from tests.secrets.conftest import aws_env, distro_python
from tests.stacks import ROOT, compose_of, delivered_apply_script, delivered_bundle, delivered_file

EXAMPLE = str(ROOT / "configs" / "stacks" / "step6.yaml")
REGISTRY = "123456789012.dkr.ecr.eu-south-1.amazonaws.com"
DIGEST_A = "sha256:" + "a" * 64
DIGEST_B = "sha256:" + "b" * 64
ODOO_IMAGE_SERVICES = ("odoo", "odoo-init")


def step6(digest: str | None = DIGEST_A) -> dict:
    import json
    config = dict(stack_config(EXAMPLE))
    registry = json.loads(config["odoo-ladder:registry"])
    registry.pop("image")
    if digest:
        registry["image"] = f"{REGISTRY}/odoo-ladder/prod@{digest}"
    config["odoo-ladder:registry"] = json.dumps(registry)
    return config


@pytest.fixture(scope="module")
def run():
    return run_stack(step6(), stack="prod")


def test_the_odoo_services_run_the_pushed_digest(run):
    services = compose_of(run)["services"]
    for name in ODOO_IMAGE_SERVICES:
        assert services[name]["image"] == f"{REGISTRY}/odoo-ladder/prod@{DIGEST_A}", name
    assert services["db"]["image"].startswith("postgres:"), "only the Odoo services run the own image"


def test_odoo_loads_the_addons_baked_into_the_own_image(run):
    conf = delivered_file(run, "odoo.conf.base")
    assert f"addons_path = {ADDONS_DIR}" in conf.splitlines()


def test_the_apply_script_pulls_the_digest_with_the_host_role_before_any_project_file_changes(run):
    script = delivered_apply_script(run)
    pull = script.index("docker pull --quiet")
    assert script.index(f'own_image="{REGISTRY}/odoo-ladder/prod@{DIGEST_A}"') < pull
    assert f"docker login --username AWS --password-stdin {REGISTRY}" in script
    assert "get_authorization_token" in script
    assert pull < script.index('mkdir -p "$dir"') < script.index("install_file docker-compose.yml")


def test_a_new_digest_is_a_new_bundle_and_so_a_new_rollout(run):
    again, other = run_stack(step6(DIGEST_A), stack="prod"), run_stack(step6(DIGEST_B), stack="prod")

    def bundle_key(r):
        return [u.inputs["key"] for u in r.of_type("aws:s3/bucketObjectv2:BucketObjectv2")
                if u.inputs["key"].startswith("bundles/")][0]
    assert bundle_key(again) == bundle_key(run), "the same digest must not re-deliver"
    assert bundle_key(other) != bundle_key(run)
    assert DIGEST_B in delivered_bundle(other)["project/docker-compose.yml"]


def test_until_the_first_deploy_the_host_runs_the_official_image_without_a_pull_step():
    run = run_stack(step6(digest=None), stack="prod")
    assert {compose_of(run)["services"][name]["image"] for name in ODOO_IMAGE_SERVICES} == {"odoo:18.0"}
    assert "addons_path" not in delivered_file(run, "odoo.conf.base")
    assert "docker login" not in delivered_apply_script(run)


def test_the_host_role_may_pull_from_the_stack_repository(run):
    from tests.stacks import role_policy
    actions = {a for s in role_policy(run, "registry-host-pull")["Statement"] for a in
               ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert {"ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"} <= actions


# Stand-in for the Docker CLI: `image inspect` answers from $PRESENT, `login` records its registry,
# its stdin and whether its DOCKER_CONFIG folder is private, `pull` fails when $PULL_FAILS is set.
STAND_IN_DOCKER = r"""#!/bin/bash
printf 'ARGV: %s\n' "$*" >> "$DOCKER_LOG"
case "$1 ${2:-}" in
    "image inspect")
        if [[ " $* " == *" --format "* ]]; then printf 'PATH=/usr/bin\nODOO_VERSION=%s\n' "${IMAGE_ODOO-18.0}"; exit 0; fi
        [ -n "${PRESENT:-}" ] ;;
    "login --username")
        printf 'CONFIG: %s %s\n' "$DOCKER_CONFIG" "$(stat -c %a "$DOCKER_CONFIG")" >> "$DOCKER_LOG"
        printf 'STDIN: %s\n' "$(cat)" >> "$DOCKER_LOG"
        echo '{"auths": {}}' > "$DOCKER_CONFIG/config.json" ;;
    "pull --quiet")
        printf 'PULL-CONFIG: %s\n' "$DOCKER_CONFIG" >> "$DOCKER_LOG"
        [ -z "${PULL_FAILS:-}" ] ;;
    *) exit 0 ;;
esac
"""


@pytest.fixture
def puller(tmp_path, moto_endpoint, monkeypatch):
    """The rendered pull step, run as the apply script runs it (bash -euo pipefail), then a marker."""
    python = distro_python()
    monkeypatch.setattr(image_steps.secrets_steps, "HOST_PYTHON", python)
    monkeypatch.setattr(image_steps, "AUTH_PARENT", str(tmp_path / "run"))
    (tmp_path / "run").mkdir()
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "docker").write_text(STAND_IN_DOCKER)
    (tmp_path / "bin" / "docker").chmod(0o755)
    service = odoo_service(from_mapping("prod", step6()))
    script = "set -euo pipefail\n" + image_steps.pull_own_image(service) + "echo AFTER-PULL\n"
    log = tmp_path / "docker.log"

    def pull(**env) -> subprocess.CompletedProcess:
        environment = {**aws_env(moto_endpoint), "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}",
                       "DOCKER_LOG": str(log), **env}
        return subprocess.run(["/bin/bash", "-c", script], env=environment, capture_output=True, text=True)
    return pull, log, tmp_path / "run", service


def test_the_host_logs_in_with_its_role_through_stdin_and_keeps_no_login(puller):
    pull, log, run_dir, service = puller
    result = pull()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "AFTER-PULL"
    text = log.read_text()
    # moto's token for the account is base64("AWS:<account>-auth-token"): the password half reaches stdin.
    assert "STDIN: 123456789012-auth-token" in text
    assert f"ARGV: login --username AWS --password-stdin {REGISTRY}" in text
    assert f"ARGV: pull --quiet {service.image}" in text
    assert not any("auth-token" in line for line in text.splitlines() if line.startswith("ARGV")), "never in argv"
    config = next(line.split() for line in text.splitlines() if line.startswith("CONFIG:"))
    assert config[2] == "700" and config[1].startswith(str(run_dir))
    assert f"PULL-CONFIG: {config[1]}" in text, "the pull uses the step's own login"
    assert list(run_dir.iterdir()) == [], "the login's folder is gone after the pull"


def test_a_present_image_needs_no_registry(puller):
    pull, log, _, _ = puller
    result = pull(PRESENT="yes", AWS_ENDPOINT_URL="http://127.0.0.1:9")  # no ECR reachable
    assert result.returncode == 0, result.stderr
    made = [line for line in log.read_text().splitlines() if line.startswith("ARGV")]
    assert made[0] == f"ARGV: image inspect {puller[3].image}"
    assert len(made) == 2 and made[1].startswith("ARGV: image inspect --format"), "no login, no pull"


@pytest.mark.parametrize("version", ["17.0", ""], ids=["other-version", "no-version"])
def test_an_image_of_another_odoo_version_stops_the_step(puller, version):
    pull, _, _, service = puller
    result = pull(PRESENT="yes", IMAGE_ODOO=version)
    assert result.returncode == 1 and "AFTER-PULL" not in result.stdout
    assert "the stack runs 18.0 (odoo.version); nothing changed" in result.stderr
    assert (f"is Odoo {version}," if version else "is Odoo of no known version") in result.stderr


@pytest.mark.parametrize("failure", [{"PULL_FAILS": "1"}, {"AWS_ENDPOINT_URL": "http://127.0.0.1:9"}],
                         ids=["pull-refused", "no-token"])
def test_a_failed_pull_stops_the_step_and_removes_the_login(puller, failure):
    pull, _, run_dir, service = puller
    result = pull(**failure)
    assert result.returncode == 1
    assert "AFTER-PULL" not in result.stdout
    assert f"odoo-ladder: could not pull {service.image}" in result.stderr
    assert list(run_dir.iterdir()) == []


def test_a_failed_pull_leaves_the_project_untouched(puller, tmp_path):
    """The whole apply script: the pull comes before the project folder is even created."""
    pull, _, _, service = puller
    project = tmp_path / "project"
    script = render_apply_script("prod", {"docker-compose.yml": "services: {}\n"}, service, str(project),
                                 on_host=False)
    (tmp_path / "apply.sh").write_text(script)
    env = {**aws_env("http://127.0.0.1:9"), "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}",
           "DOCKER_LOG": str(tmp_path / "docker.log")}
    result = subprocess.run(["/bin/bash", str(tmp_path / "apply.sh")], env=env, capture_output=True, text=True)
    assert result.returncode == 1 and "could not pull" in result.stderr
    assert not project.exists()


def test_the_official_image_needs_no_pull_step():
    service = odoo_service(from_mapping("prod", step6(None)))
    assert not service.own_image and image_steps.pull_own_image(service) == ""


def test_an_image_of_another_region_is_refused():
    from configs.errors import ConfigError
    config = step6()
    config["aws:region"] = "eu-west-1"
    with pytest.raises(ConfigError, match="odoo-ladder:registry.image: the image is in eu-south-1, the stack's "
                                          "repository in eu-west-1"):
        from_mapping("prod", config)
