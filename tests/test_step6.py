"""Step 6 under mocks, on each database kind it may run on: the example stack plans, registers the
repository, the CI identities and the host's pull right, and delivers the pushed digest.

DATABASES lists the kinds step 6 runs on: the container database (the roadmap's 1 -> 2/3 -> 6 -> 5 -> 7
takes step 6 before step 5) and RDS (the step's own preset); every test below runs on both.
"""
import json

import pytest

from configs.errors import ConfigError
from configs.gates import max_built_step
from configs.load import from_mapping
from ladder.mocked import run_stack, stack_config
from ladder.plan import in_own_repository
from tests.stacks import ROOT, compose_of, delivered_file

EXAMPLE = str(ROOT / "configs" / "stacks" / "step6.yaml")
# database kind -> the example's odoo-ladder:database settings for it.
DATABASES = {"container": {"kind": "container"}, "rds": {"kind": "rds"}}


def step6(kind: str) -> dict:
    config = in_own_repository(dict(stack_config(EXAMPLE)), "step6", "prod")
    config["odoo-ladder:database"] = json.dumps(DATABASES[kind])
    return config


@pytest.fixture(scope="module", params=sorted(DATABASES))
def run(request):
    return request.param, run_stack(step6(request.param), stack="prod")


def test_the_example_is_step_6_with_the_registry(run):
    kind, result = run
    cfg = from_mapping("prod", step6(kind))
    assert cfg.settings.step == 6 and cfg.components.registry and cfg.components.database == kind
    assert result.outputs["components"] == cfg.components.names()


def test_the_repository_ci_roles_and_host_pull_right_exist(run):
    _, result = run
    repository = result.one("aws:ecr/repository:Repository")
    assert repository.inputs["name"] == "odoo-ladder/prod" and repository.protect
    roles = {r.name for r in result.of_type("aws:iam/role:Role")}
    assert {"cicd-preview", "cicd-deploy", "host-role"} <= roles
    assert result.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert [p for p in result.of_type("aws:iam/rolePolicy:RolePolicy") if p.name == "registry-host-pull"]


def test_the_workflows_get_their_variables_from_the_outputs(run):
    _, result = run
    assert {"registry_url", "ci_preview_role_arn", "ci_deploy_role_arn", "aws_region"} <= set(result.outputs)


def test_the_host_runs_the_digest_and_the_database_of_its_kind(run):
    kind, result = run
    services = compose_of(result)["services"]
    image = json.loads(step6(kind)["odoo-ladder:registry"])["image"]
    assert image.split("@")[0].endswith("/odoo-ladder/prod")
    assert services["odoo"]["image"] == services["odoo-init"]["image"] == image
    assert ("db" in services) == (kind == "container")
    assert "addons_path = /mnt/extra-addons" in delivered_file(result, "odoo.conf.base")
    if kind == "rds":
        assert result.of_type("aws:rds/instance:Instance")


def test_step_6_without_a_database_kind_takes_rds_from_its_preset():
    assert max_built_step() >= 6
    config = step6("container")
    del config["odoo-ladder:database"]
    assert from_mapping("prod", config).components.database == "rds"


def test_step_7_from_step_6_on_the_container_database_is_refused_naming_rds():
    """Step 7 is built; its tasks share one database, so step 6 on the container must take step 5 first."""
    assert max_built_step() == 7
    with pytest.raises(ConfigError, match=r"odoo-ladder:cluster.enabled: .*database.kind to rds"):
        from_mapping("prod", {**step6("container"), "odoo-ladder:step": "7"})
