"""Step 7's config: refused before any resource is registered, each error naming its key."""
import pytest

from components.cluster.fargate import PAIRS, pair_problem, workers_for
from components.cluster.settings import budget
from configs.errors import ConfigError
from configs.load import from_mapping
from tests.cluster.stack import run7, step7


def config(**settings):
    return from_mapping("prod", step7(**settings))


def refusal(**settings) -> str:
    with pytest.raises(ConfigError) as caught:
        run7(**settings)
    return str(caught.value)


def test_the_defaults_fit_fargate_and_the_connection_budget():
    cfg = config()
    cluster = cfg.settings.cluster
    assert (cluster.desired_count, cluster.max_count, cluster.architecture) == (2, 4, "arm64")
    assert cluster.memory in PAIRS[cluster.cpu] and cluster.cron_memory in PAIRS[cluster.cron_cpu]
    plan = budget(cfg)
    assert plan.db_maxconn >= 2
    assert plan.processes * plan.db_maxconn <= plan.available


@pytest.mark.parametrize("cpu, memory, key", [(1024, 1024, "cluster.memory"), (1000, 2048, "cluster.cpu"),
                                              (256, 4096, "cluster.memory"), (4096, 31 * 1024, "cluster.memory")])
def test_a_pair_fargate_does_not_run_is_refused_naming_the_key(cpu, memory, key):
    assert f"odoo-ladder:{key}" in refusal(cluster={"cpu": cpu, "memory": memory})


def test_every_listed_pair_is_accepted_and_workers_follow_the_vcpu():
    assert all(pair_problem("c", "m", cpu, memory) is None for cpu, mems in PAIRS.items() for memory in mems)
    assert [workers_for(cpu) for cpu in (256, 512, 1024, 2048, 4096)] == [2, 2, 3, 5, 9]


def test_a_single_web_task_is_refused():
    assert "odoo-ladder:cluster.desired_count" in refusal(cluster={"desired_count": 1})


def test_a_maximum_below_desired_is_refused():
    assert "odoo-ladder:cluster.max_count: 2 is below desired_count (3)" in refusal(
        cluster={"desired_count": 3, "max_count": 2})


def test_the_s3_filestore_is_refused_as_not_built():
    message = refusal(cluster={"filestore": "s3"})
    assert "odoo-ladder:cluster.filestore: s3" in message and "not built" in message and "use efs" in message


def test_the_cluster_needs_the_image_ci_built():
    assert "odoo-ladder:registry.image" in refusal(registry={"github": step7()["odoo-ladder:registry"]["github"]})


def test_a_maximum_that_overflows_rds_connections_is_refused_naming_the_keys():
    message = refusal(cluster={"max_count": 12})
    assert "odoo-ladder:cluster.max_count" in message
    assert "database.instance_class db.t4g.micro" in message and "odoo.workers" in message


def test_a_larger_database_class_makes_room_for_the_same_maximum():
    cfg = config(cluster={"max_count": 12}, database={"instance_class": "db.t4g.medium"})
    plan = budget(cfg)
    assert plan.max_tasks == 12 and plan.processes * plan.db_maxconn <= plan.available


def test_the_cluster_needs_rds():
    with pytest.raises(ConfigError, match="odoo-ladder:cluster.enabled: several Odoo tasks need a shared database"):
        run7(database={"kind": "container"})


def test_alerts_email_is_checked():
    with pytest.raises(ConfigError, match="odoo-ladder:alerts.email"):
        config(alerts={"email": "not an address"})


def test_an_image_from_another_repository_is_refused():
    other = "123456789012.dkr.ecr.eu-south-1.amazonaws.com/someone-else@sha256:" + "ab" * 32
    message = refusal(registry={"image": other, "github": step7()["odoo-ladder:registry"]["github"]})
    assert "odoo-ladder:registry.image: the tasks may pull only this stack's repository" in message
    assert ".dkr.ecr.eu-south-1.amazonaws.com/odoo-ladder/prod" in message

