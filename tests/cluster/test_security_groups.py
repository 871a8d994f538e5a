"""The security-group graph at step 7: only internet -> ALB -> tasks -> RDS / EFS (and the host,
kept until it retires, -> RDS and EFS). Read from the plan's rules, so a new rule shows up here."""
import pytest

from components.proxy.sidecar import SIDECAR_PORT
from tests.cluster.stack import run7

INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"


def edges(run, type_: str) -> set[tuple]:
    """(group, peer, port): ingress from peer into group, or egress from group to peer."""
    return {(r.inputs["securityGroupId"], r.inputs.get("referencedSecurityGroupId") or r.inputs.get("cidrIpv4"),
             r.inputs["fromPort"]) for r in run.of_type(type_)}


@pytest.fixture(scope="module")
def run():
    return run7()


def test_only_the_alb_takes_traffic_from_the_internet_and_only_on_80_and_443(run):
    from_world = {(group, port) for group, peer, port in edges(run, INGRESS) if peer == "0.0.0.0/0"}
    assert from_world == {("cluster-sg-alb-id", 80), ("cluster-sg-alb-id", 443)}


def test_ingress_is_the_chain_alb_to_tasks_to_database_and_filestore(run):
    by_group = {(group, peer, port) for group, peer, port in edges(run, INGRESS) if peer != "0.0.0.0/0"}
    assert by_group == {
        ("cluster-sg-tasks-id", "cluster-sg-alb-id", SIDECAR_PORT),
        ("cluster-sg-efs-id", "cluster-sg-tasks-id", 2049),
        ("cluster-sg-efs-id", "host-sg-id", 2049),         # the host copies the filestore (6 -> 7)
        ("database-sg-id", "cluster-sg-tasks-id", 5432),
        ("database-sg-id", "host-sg-id", 5432),     # the host, until it retires
    }


def test_the_alb_can_only_reach_the_sidecar_and_the_tasks_only_https_smtp_db_and_nfs(run):
    out = edges(run, EGRESS)
    assert {e for e in out if e[0] == "cluster-sg-alb-id"} == {("cluster-sg-alb-id", "cluster-sg-tasks-id", SIDECAR_PORT)}
    assert {e for e in out if e[0] == "cluster-sg-tasks-id"} == {
        ("cluster-sg-tasks-id", "0.0.0.0/0", 443), ("cluster-sg-tasks-id", "0.0.0.0/0", 465),
        ("cluster-sg-tasks-id", "0.0.0.0/0", 587), ("cluster-sg-tasks-id", "database-sg-id", 5432),
        ("cluster-sg-tasks-id", "cluster-sg-efs-id", 2049)}


def test_no_cluster_or_database_group_has_inline_rules(run):
    # The host's group (steps 0-6, kept until the host retires) keeps its own inline rules.
    for group in run.of_type("aws:ec2/securityGroup:SecurityGroup"):
        if group.name != "host-sg":
            assert not group.inputs.get("ingress") and not group.inputs.get("egress"), group.name


def test_private_task_endpoints_take_https_from_the_tasks_only():
    run = run7(cluster={"private_tasks": True})
    endpoint = {e for e in edges(run, INGRESS) if e[0] == "cluster-private-endpoints-id"}
    assert endpoint == {("cluster-private-endpoints-id", "cluster-sg-tasks-id", 443)}
