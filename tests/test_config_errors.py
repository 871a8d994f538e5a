"""Bad config is refused before any resource is registered, with an error that names the key."""
import pytest

from configs.errors import ConfigError
from configs.load import from_mapping
from ladder.mocked import StackRun, run_stack
from tests.stacks import aws, local


def problems(config: dict) -> str:
    with pytest.raises(ConfigError) as caught:
        from_mapping("test", config)
    return str(caught.value)


@pytest.mark.parametrize("config, key, advice", [
    (local(wokers=2), "odoo-ladder:wokers", "check its spelling"),
    (local(odoo={"version": "18.0", "wrokers": 2}), "odoo-ladder:odoo.wrokers", "check its spelling"),
    (local(odoo={"workers": "many"}), "odoo-ladder:odoo.workers", "valid integer"),
    (local(odoo={"version": "16.0"}), "odoo-ladder:odoo.version", "'17.0', '18.0' or '19.0'"),
    ({"odoo-ladder:step": "8"}, "odoo-ladder:step", "less than or equal to 7"),
    ({"odoo-ladder:step": "-1"}, "odoo-ladder:step", "greater than or equal to 0"),
    (local(database={"kind": "rds"}), "odoo-ladder:database.kind", "set odoo-ladder:target to aws"),
    (local(step=2, secrets={"enabled": True}), "odoo-ladder:secrets.enabled", "needs AWS"),
    (local(step=4), "odoo-ladder:step", "local target goes up to step 2"),
    (aws(domain="https://erp.example.org/"), "odoo-ladder:domain", "must be a DNS hostname"),
    (aws(domain="erp_example"), "odoo-ladder:domain", "must be a DNS hostname"),
    (aws(admin_cidrs=["203.0.113.7"]), "odoo-ladder:admin_cidrs", "add the prefix length"),
    (aws(admin_cidrs=["203.0.113.0/33"]), "odoo-ladder:admin_cidrs", "not a CIDR"),
    (aws(admin_cidrs=["0.0.0.0/0"]), "odoo-ladder:admin_cidrs", "allow_world_admin: true"),
    (aws(step=1, domain=None), "odoo-ladder:domain", "set it"),
    (aws(backup={"time": "25:00"}), "odoo-ladder:backup.time", "HH:MM"),
    (aws(host={"ami": "ubuntu"}), "odoo-ladder:host.ami", "AMI id"),
    (aws(step=1, odoo={"workers": 0}), "odoo-ladder:odoo.workers", "workers >= 2"),
])
def test_bad_config_names_the_key_and_says_what_to_do(config, key, advice):
    config = {k: v for k, v in config.items() if v is not None}
    message = problems(config)
    assert f"{key}:" in message
    assert advice in message


def test_world_admin_access_is_accepted_only_when_acknowledged():
    cfg = from_mapping("test", aws(admin_cidrs=["0.0.0.0/0"], allow_world_admin=True))
    assert cfg.settings.admin_cidrs == ("0.0.0.0/0",)


def test_a_component_that_is_not_built_is_refused_not_ignored():
    message = problems(aws(step=0, registry={"enabled": True}))
    assert "odoo-ladder:registry: the registry component is not built yet" in message


def test_every_problem_is_reported_at_once():
    message = problems(local(step=2, database={"kind": "rds"}, cluster={"enabled": True}))
    assert "odoo-ladder:database.kind" in message and "odoo-ladder:cluster.enabled" in message


def test_nothing_is_registered_when_the_config_is_bad():
    run = StackRun()
    with pytest.raises(Exception) as caught:
        run_stack(aws(admin_cidrs=["0.0.0.0/0"]), into=run)
    assert "odoo-ladder:admin_cidrs" in str(caught.value)
    assert run.resources == []


def test_the_same_config_registers_resources_when_it_is_good():
    run = StackRun()
    run_stack(aws(), into=run)
    assert run.resources
