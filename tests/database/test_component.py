"""Step 5 under mocks: the RDS instance, its network, parameter group, logs, key and limits."""
import json

import pytest

from components.app.service import POSTGRES_MAJOR
from components.database.connections import class_max_connections, db_maxconn, odoo_processes
from components.database.identifiers import (RDS_IDENTIFIER_MAX, final_snapshot_identifier, instance_identifier,
                                              is_valid_identifier)
from components.database.settings import windows_overlap
from components.images import POSTGRES, version_of
from configs.errors import ConfigError
from ladder import limits
from ladder.mocked import run_stack
from tests.database.rds_built import run_rds
from tests.stacks import aws

RDS = "aws:rds/instance:Instance"


@pytest.fixture(scope="module")
def step5():
    return run_rds(5)


def instance(run):
    return run.one(RDS)


def test_step5_and_rds_are_selectable_now_that_the_delivery_moves_the_data():
    assert run_stack(aws(5), stack="prod").one(RDS)
    assert run_stack(aws(4, database={"kind": "rds"}), stack="prod").one(RDS)


def test_the_engine_is_the_container_major_with_a_pinned_minor_and_auto_minor_upgrades(step5):
    inputs = instance(step5).inputs
    assert inputs["engine"] == "postgres"
    assert inputs["engineVersion"].split(".")[0] == POSTGRES_MAJOR == version_of(POSTGRES).split(".")[0]
    assert inputs["engineVersion"] == "16.10"
    assert inputs["autoMinorVersionUpgrade"] is True
    assert inputs["instanceClass"] == "db.t4g.micro"


def test_a_pinned_minor_and_class_are_taken():
    inputs = instance(run_rds(5, database={"engine_version": "16.8", "instance_class": "db.m7g.large"})).inputs
    assert (inputs["engineVersion"], inputs["instanceClass"]) == ("16.8", "db.m7g.large")


def test_another_major_is_refused_naming_the_key():
    with pytest.raises(ConfigError, match="odoo-ladder:database.engine_version: 15.7 is PostgreSQL 15"):
        run_rds(5, database={"engine_version": "15.7"})


def test_storage_is_gp3_autoscaling_and_encrypted_with_the_stack_key(step5):
    inputs = instance(step5).inputs
    key = step5.named("aws:kms/key:Key", "secrets-key")
    key_arn = "arn:aws:kms:eu-south-1:123456789012:key/secrets-key"
    assert key.name == "secrets-key"
    assert inputs["storageType"] == "gp3" and inputs["storageEncrypted"] is True
    assert inputs["allocatedStorage"] == 20 and inputs["maxAllocatedStorage"] == 100
    assert inputs["kmsKeyId"] == key_arn
    assert inputs["performanceInsightsKmsKeyId"] == key_arn
    assert inputs["masterUserSecretKmsKeyId"] == key_arn


def test_storage_that_cannot_grow_is_refused():
    with pytest.raises(ConfigError, match="max_allocated_storage_gb: 50 is not above"):
        run_rds(5, database={"allocated_storage_gb": 50, "max_allocated_storage_gb": 50})


def test_the_instance_is_private_and_kept(step5):
    found = instance(step5)
    inputs = found.inputs
    assert inputs["publiclyAccessible"] is False
    assert inputs["deletionProtection"] is True
    assert inputs["skipFinalSnapshot"] is False and inputs["finalSnapshotIdentifier"] == "odoo-ladder-prod-final"
    assert inputs["copyTagsToSnapshot"] is True
    assert inputs["deleteAutomatedBackups"] is False
    assert found.protect and found.retain_on_delete


def test_backups_and_pitr_keep_seven_days_by_default_in_the_configured_windows(step5):
    inputs = instance(step5).inputs
    assert inputs["backupRetentionPeriod"] == 7
    assert inputs["backupWindow"] == "02:00-02:30"
    assert inputs["maintenanceWindow"] == "sun:03:00-sun:03:30"


def test_windows_and_retention_are_configurable():
    inputs = instance(run_rds(5, database={"backup_retention_days": 35, "backup_window": "23:45-00:30",
                                           "maintenance_window": "wed:04:00-wed:05:00"})).inputs
    assert (inputs["backupRetentionPeriod"], inputs["backupWindow"], inputs["maintenanceWindow"]) == (
        35, "23:45-00:30", "wed:04:00-wed:05:00")


@pytest.mark.parametrize("days", [0, 36, -1])
def test_retention_outside_1_to_35_is_refused(days):
    with pytest.raises(ConfigError, match="database.backup_retention_days"):
        run_rds(5, database={"backup_retention_days": days})


@pytest.mark.parametrize("setting,match", [
    ({"backup_window": "2:00-2:30"}, "database.backup_window"),
    ({"backup_window": "02:00-02:15"}, "shorter than the 30 minutes"),
    ({"maintenance_window": "sunday:03:00-sun:03:30"}, "database.maintenance_window"),
    ({"instance_class": "t4g.micro"}, "database.instance_class"),
    ({"instance_class": "db.x9.huge"}, "not one whose memory"),
    ({"engine_version": "16"}, "database.engine_version"),
    ({"log_retention_days": 4}, "database.log_retention_days"),
])
def test_bad_settings_name_the_key(setting, match):
    with pytest.raises(ConfigError, match=match):
        run_rds(5, database=setting)


def test_performance_insights_on_the_free_retention_and_logs_exported_with_a_retention(step5):
    inputs = instance(step5).inputs
    assert inputs["performanceInsightsEnabled"] is True and inputs["performanceInsightsRetentionPeriod"] == 7
    assert inputs["enabledCloudwatchLogsExports"] == ["postgresql"]
    group = step5.named("aws:cloudwatch/logGroup:LogGroup", "database-logs")
    assert group.inputs["name"] == "/aws/rds/instance/odoo-ladder-prod/postgresql"
    assert group.inputs["retentionInDays"] == 30
    assert instance(run_rds(5, database={"log_retention_days": 90})).inputs  # an allowed value
    assert run_rds(5, database={"log_retention_days": 90}).named(
        "aws:cloudwatch/logGroup:LogGroup", "database-logs").inputs["retentionInDays"] == 90


def test_multi_az_follows_the_step_unless_set(step5):
    assert instance(step5).inputs["multiAz"] is False
    assert instance(run_rds(5, database={"multi_az": True})).inputs["multiAz"] is True


def test_the_master_password_is_managed_by_rds_under_the_stack_key(step5):
    inputs = instance(step5).inputs
    assert inputs["manageMasterUserPassword"] is True
    assert "password" not in inputs
    assert inputs["username"] not in ("odoo", "postgres")  # Odoo never uses the master


def test_the_key_policy_lets_rds_use_the_key_and_grant_only_for_its_resources(step5):
    statements = {s["Sid"]: s for s in json.loads(step5.named("aws:kms/key:Key", "secrets-key").inputs["policy"])["Statement"]}
    use, grant = statements["DeployerUseViaRds"], statements["DeployerGrantViaRds"]
    assert use["Condition"]["StringEquals"]["kms:ViaService"] == "rds.eu-south-1.amazonaws.com"
    assert "kms:CreateGrant" not in use["Action"] and grant["Action"] == ["kms:CreateGrant"]
    assert grant["Condition"]["Bool"] == {"kms:GrantIsForAWSResource": "true"}
    assert grant["Condition"]["StringEquals"]["kms:ViaService"] == "rds.eu-south-1.amazonaws.com"


def test_the_key_policy_without_rds_has_no_grant():
    statements = json.loads(run_stack(aws(4), stack="prod").named("aws:kms/key:Key", "secrets-key").inputs["policy"])["Statement"]
    assert not [s for s in statements if "Rds" in s["Sid"]]
    assert not [a for s in statements for a in s["Action"] if a == "kms:CreateGrant"]


def test_private_subnets_in_two_zones_with_a_route_table_of_their_own(step5):
    subnets = [s for s in step5.of_type("aws:ec2/subnet:Subnet") if s.name.startswith("database-private")]
    assert len(subnets) == 2
    assert {s.inputs["availabilityZone"] for s in subnets} == {"eu-south-1a", "eu-south-1b"}
    assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in subnets)
    public = {s.inputs["cidrBlock"] for s in step5.of_type("aws:ec2/subnet:Subnet") if s.name.startswith("network")}
    assert not public & {s.inputs["cidrBlock"] for s in subnets}
    table = step5.named("aws:ec2/routeTable:RouteTable", "database-private")
    assert not table.inputs.get("routes")  # no internet gateway, no NAT
    associations = [a for a in step5.of_type("aws:ec2/routeTableAssociation:RouteTableAssociation")
                    if a.name.startswith("database-private")]
    assert {a.inputs["routeTableId"] for a in associations} == {"database-private-id"}
    group = step5.one("aws:rds/subnetGroup:SubnetGroup")
    assert sorted(group.inputs["subnetIds"]) == ["database-private-0-id", "database-private-1-id"]
    assert instance(step5).inputs["dbSubnetGroupName"] == "database-subnets-0a1b2c3"


def test_5432_is_open_only_to_the_host_security_group_by_id(step5):
    group = step5.named("aws:ec2/securityGroup:SecurityGroup", "database-sg")
    assert not group.inputs.get("ingress") and not group.inputs.get("egress")
    [rule] = step5.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert rule.inputs["securityGroupId"] == "database-sg-id"
    assert rule.inputs["referencedSecurityGroupId"] == "host-sg-id"
    assert (rule.inputs["fromPort"], rule.inputs["toPort"], rule.inputs["ipProtocol"]) == (5432, 5432, "tcp")
    assert "cidrIpv4" not in rule.inputs and "cidrIpv6" not in rule.inputs
    assert instance(step5).inputs["vpcSecurityGroupIds"] == ["database-sg-id"]
    assert not [r for r in step5.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")]


def test_the_parameter_group_forces_tls_and_leaves_max_connections_to_the_formula(step5):
    group = step5.one("aws:rds/parameterGroup:ParameterGroup")
    assert group.inputs["family"] == f"postgres{POSTGRES_MAJOR}"
    values = {p["name"]: p["value"] for p in group.inputs["parameters"]}
    assert values == {"rds.force_ssl": "1", "log_min_duration_statement": "2000",
                      "idle_in_transaction_session_timeout": "600000"}
    assert "max_connections" not in values
    assert instance(step5).inputs["parameterGroupName"] == "database-parameters-0a1b2c3"


def test_slow_statement_threshold_and_idle_timeout_are_configurable():
    group = run_rds(5, database={"log_min_duration_ms": 500, "idle_in_transaction_timeout_ms": 60000}).one(
        "aws:rds/parameterGroup:ParameterGroup")
    values = {p["name"]: p["value"] for p in group.inputs["parameters"]}
    assert values["log_min_duration_statement"] == "500"
    assert values["idle_in_transaction_session_timeout"] == "60000"


def test_the_plan_stays_inside_aws_limits_including_the_rds_identifier():
    run = run_rds(5, stack="a" * 40)  # the longest stack name config accepts (configs/stack_name.py)
    records = [{"type": r.type, "name": r.name, "inputs": r.inputs} for r in run.resources if r.custom]
    report = limits.check(records)
    assert not report.failures(), report.failures()
    assert any("RDS identifier" in m.what for m in report.measures)
    assert any("CreateDBInstance" in line or "RDS" in line for line in report.lines())


@pytest.mark.parametrize("stack", ["prod", "a.b", "Prod_1", "x" * 100, "a--b", "-x-", "9lives"])
def test_identifiers_are_valid_for_any_stack_name(stack):
    name = instance_identifier(stack)
    assert is_valid_identifier(name) and len(name) <= RDS_IDENTIFIER_MAX
    assert name[0].isalpha()
    assert is_valid_identifier(final_snapshot_identifier(name), limit=255)


def test_stacks_that_differ_only_by_case_or_a_dot_get_different_identifiers():
    assert len({instance_identifier(s) for s in ("prod", "Prod", "pro.d", "pro-d")}) == 4


def test_limits_flag_an_identifier_over_63():
    record = {"type": RDS, "name": "db", "inputs": {"identifier": "a" * 64}}
    assert limits.check([record]).failures()


def test_db_maxconn_keeps_all_processes_below_the_class_limit():
    for klass in ("db.t4g.micro", "db.t4g.small", "db.m7g.large"):
        for workers in (0, 2, 4, 8):
            for instances in (1, 2):
                try:
                    per = db_maxconn(klass, workers, 1, instances)
                except ConfigError:
                    continue
                total = per * odoo_processes(workers, 1) * instances
                assert total < class_max_connections(klass), (klass, workers, instances)
    assert class_max_connections("db.t4g.micro") == 78  # 1 GiB x 0.7 / 9531392
    assert class_max_connections("db.r7g.4xlarge") == 5000  # LEAST(..., 5000)
    assert db_maxconn("db.t4g.micro", 2, 1) == 12
    assert db_maxconn("db.t4g.micro", 0, 1) == 63
    assert db_maxconn("db.m7g.large", 2, 1) == 64  # never above Odoo's own default


def test_too_many_workers_for_the_class_are_refused_with_the_key():
    with pytest.raises(ConfigError, match="database.instance_class: db.t4g.micro allows about 63"):
        db_maxconn("db.t4g.micro", 40, 1, 2)


def test_limits_check_the_instance_against_create_db_instance():
    run = run_rds(5)
    [record] = [{"type": r.type, "name": r.name, "inputs": r.inputs} for r in run.of_type(RDS)]
    assert not limits.check([record]).failures()
    bad = {**record, "inputs": {**record["inputs"], "identifier": "Odoo--x-", "backupRetentionPeriod": 36,
                                "storageType": "gp9", "multiAz": "yes"}}
    failures = "\n".join(limits.check([bad]).failures())
    assert "must start with a letter" in failures
    assert "outside RDS's 0-35 days" in failures
    assert "MultiAZ" in failures  # botocore's ParamValidator: not a boolean


@pytest.mark.parametrize("backup, maintenance, overlap", [
    ("02:00-02:30", "sun:03:00-sun:03:30", False),
    ("03:15-03:45", "sun:03:00-sun:03:30", True),
    ("23:45-00:30", "mon:00:00-mon:00:30", True),      # the backup window crosses midnight
    ("23:45-00:30", "sun:23:50-mon:00:10", True),      # both cross the week's edge
    ("22:00-22:30", "sun:23:50-mon:00:10", False),
    ("03:00-03:30", "wed:02:00-wed:03:00", False),     # touching is not overlapping
])
def test_backup_and_maintenance_windows_may_not_overlap(backup, maintenance, overlap):
    assert windows_overlap(backup, maintenance) is overlap


def test_overlapping_windows_are_refused_naming_the_key():
    with pytest.raises(ConfigError, match="database.backup_window: 03:15-03:45 overlaps maintenance_window"):
        run_rds(5, database={"backup_window": "03:15-03:45"})
