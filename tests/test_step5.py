"""Step 5 under mocks: RDS private, encrypted and kept; 5432 from the host's group only; Odoo on the
endpoint over verified TLS; the compose project without its db service; the bundle carries the move."""
import json

import pytest

from components.database.ca_bundle import bundle_text
from ladder.mocked import run_stack, stack_config
from tests.stacks import ROOT, compose_of, delivered_apply_script, delivered_file, role_policy

RDS = "aws:rds/instance:Instance"
ENDPOINT = "odoo-ladder-prod.c0a1b2c3d4e5.eu-south-1.rds.amazonaws.com"
MASTER_SECRET = "arn:aws:secretsmanager:eu-south-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf"


@pytest.fixture(scope="module")
def step5():
    return run_stack(stack_config(str(ROOT / "configs" / "stacks" / "step5.yaml")), stack="prod")


def test_rds_is_private_encrypted_with_the_stack_key_and_kept(step5):
    instance = step5.one(RDS)
    inputs = instance.inputs
    assert inputs["publiclyAccessible"] is False
    assert inputs["storageEncrypted"] is True
    assert inputs["kmsKeyId"] == "arn:aws:kms:eu-south-1:123456789012:key/secrets-key"
    assert inputs["deletionProtection"] is True and instance.protect and instance.retain_on_delete
    assert inputs["backupRetentionPeriod"] == 7 and inputs["multiAz"] is False


def test_5432_is_open_to_the_hosts_group_by_id_and_nothing_else(step5):
    [rule] = step5.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert rule.inputs["referencedSecurityGroupId"] == "host-sg-id"
    assert (rule.inputs["fromPort"], rule.inputs["toPort"]) == (5432, 5432) and "cidrIpv4" not in rule.inputs
    assert step5.named("aws:ec2/securityGroup:SecurityGroup", "database-sg").inputs.get("egress") in (None, [])


def test_odoo_conf_points_at_the_endpoint_with_verify_full(step5):
    conf = delivered_file(step5, "odoo.conf.base")
    assert f"db_host = {ENDPOINT}\n" in conf and "db_port = 5432\n" in conf
    assert "db_sslmode = verify-full\n" in conf and "db_sslrootcert = /etc/odoo-ladder/rds-ca.pem\n" in conf
    assert "db_maxconn = 12\n" in conf  # db.t4g.micro, 2 workers + 1 cron: docs/step5.md
    assert "db_password" not in conf


def test_the_compose_project_has_no_db_service_and_verifies_rds_with_the_bundle(step5):
    compose = compose_of(step5)
    assert "db" not in compose["services"] and "db-data" not in compose["volumes"]
    for name in ("odoo", "odoo-init"):
        service = compose["services"][name]
        assert "/etc/odoo-ladder/odoo-prod/rds-ca.pem:/etc/odoo-ladder/rds-ca.pem:ro" in service["volumes"]
        # Odoo hands libpq only db_sslmode: the bundle's path reaches it through the environment.
        assert service["environment"]["PGSSLROOTCERT"] == "/etc/odoo-ladder/rds-ca.pem"
        assert service["environment"]["PGSSLMODE"] == "verify-full"
        assert "db" not in service.get("depends_on", {})
    assert compose["services"]["odoo-init"]["networks"] == ["edge"], "the initialiser must reach RDS"


def test_until_the_move_the_bundle_keeps_the_containers_files(step5):
    import yaml
    container = yaml.safe_load(delivered_file(step5, "database/container/docker-compose.yml"))
    assert "db" in container["services"]
    assert "db_host = db\n" in delivered_file(step5, "database/container/odoo.conf.base")
    assert delivered_file(step5, "database/container/database.env") == "DB_KIND=container\n"


def test_the_bundle_holds_the_move_and_the_contract_files(step5):
    assert delivered_file(step5, "database/odoo-move-db").startswith("#!/usr/bin/env python3")
    assert delivered_file(step5, "database/rds-ca.pem") == bundle_text()
    env = dict(line.split("=", 1) for line in delivered_file(step5, "database/database.env").splitlines())
    assert env == {"DB_KIND": "rds", "PGHOST": ENDPOINT, "PGPORT": "5432", "PGDATABASE": "odoo",
                   "PGSSLMODE": "verify-full", "PGSSLROOTCERT": "/etc/odoo-ladder/odoo-prod/rds-ca.pem",
                   "MASTER_SECRET_ARN": MASTER_SECRET, "AWS_REGION": "eu-south-1"}
    script = delivered_apply_script(step5)
    assert "move_to_rds" in script and "--leave-stopped" in script and "--source-exec" in script
    assert f"--secret-arn '{MASTER_SECRET}'" in script
    assert "writer --role-sql /run/odoo-ladder/odoo-prod/odoo.conf --managed | rds_psql" in script


def test_the_host_may_read_the_master_secret_only_through_secrets_manager(step5):
    policy = role_policy(step5, "database-master-read")
    read, decrypt = policy["Statement"]
    assert read["Action"] == ["secretsmanager:GetSecretValue"] and read["Resource"] == [MASTER_SECRET]
    assert decrypt["Action"] == ["kms:Decrypt"]
    assert decrypt["Condition"] == {"StringEquals": {"kms:ViaService": "secretsmanager.eu-south-1.amazonaws.com"}}
    key_policy = json.loads(step5.named("aws:kms/key:Key", "secrets-key").inputs["policy"])
    host = next(s for s in key_policy["Statement"] if s["Sid"] == "HostDecryptRdsMasterViaSecretsManager")
    assert host["Action"] == ["kms:Decrypt"] and host["Principal"]["AWS"].endswith(":role/host-role-0a1b2c3")
    assert host["Condition"]["StringEquals"]["kms:ViaService"] == "secretsmanager.eu-south-1.amazonaws.com"


def test_below_step5_the_host_says_the_database_is_the_container():
    from tests.stacks import aws
    run = run_stack(aws(4), stack="prod")
    assert delivered_file(run, "database/database.env") == "DB_KIND=container\n"
    script = delivered_apply_script(run)
    assert "install -m 0644 -o root -g root database/database.env /etc/odoo-ladder/odoo-prod/database.env" in script
    assert "rm -f /etc/odoo-ladder/odoo-prod/rds-ca.pem" in script and "move_to_rds" not in script
