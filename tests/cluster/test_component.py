"""Step 7 under mocks: the ALB, the certificate, ECS, the tasks, EFS and RDS, property by property."""
import configparser
import json
from pathlib import Path

import pytest

from components.app.service import ODOO_UID_GID
from components.cluster.load_balancer import TLS_POLICY
from components.proxy.sidecar import SIDECAR_PORT
from tests.cluster.stack import IMAGE, run7

SERVICE = "aws:ecs/service:Service"
TASK = "aws:ecs/taskDefinition:TaskDefinition"


@pytest.fixture(scope="module")
def run():
    return run7()


def containers(run, task: str) -> dict:
    return {c["name"]: c for c in json.loads(run.named(TASK, f"cluster-tasks-{task}").inputs["containerDefinitions"])}


def web_service(run):
    return run.named(SERVICE, "cluster-services-web").inputs


# --- network -------------------------------------------------------------------------------------

def test_the_alb_and_the_tasks_are_in_two_zones(run):
    subnets = {s.name: s.inputs for s in run.of_type("aws:ec2/subnet:Subnet")}
    public = [subnets["network-public-0"], subnets["network-public-1"]]
    assert len({s["availabilityZone"] for s in public}) == 2
    alb = run.one("aws:lb/loadBalancer:LoadBalancer").inputs
    assert alb["subnets"] == ["network-public-0-id", "network-public-1-id"]
    network = web_service(run)["networkConfiguration"]
    assert network["subnets"] == ["network-public-0-id", "network-public-1-id"]
    assert network["assignPublicIp"] is True and network["securityGroups"] == ["cluster-sg-tasks-id"]


def test_private_tasks_get_private_subnets_and_the_endpoints_they_need():
    run = run7(cluster={"private_tasks": True})
    network = web_service(run)["networkConfiguration"]
    assert network["assignPublicIp"] is False
    assert network["subnets"] == ["cluster-private-subnet-0-id", "cluster-private-subnet-1-id"]
    endpoints = {e.inputs["serviceName"].rsplit(".", 1)[-1] if "ecr" not in e.inputs["serviceName"]
                 else ".".join(e.inputs["serviceName"].split(".")[-2:]): e.inputs
                 for e in run.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")}
    assert set(endpoints) == {"ecr.api", "ecr.dkr", "logs", "kms", "ssmmessages", "ssm", "s3"}
    assert endpoints["s3"]["vpcEndpointType"] == "Gateway"
    assert all(e["privateDnsEnabled"] for k, e in endpoints.items() if k != "s3")
    routes = [r for r in run.of_type("aws:ec2/routeTable:RouteTable") if r.name == "cluster-private-routes"][0]
    assert not routes.inputs.get("routes")  # no NAT, no internet gateway
    targets = sorted(t.inputs["subnetId"] for t in run.of_type("aws:efs/mountTarget:MountTarget"))
    assert targets == ["cluster-private-subnet-0-id", "cluster-private-subnet-1-id"]  # beside the tasks


# --- the ALB ---------------------------------------------------------------------------------------

def test_the_alb_drops_invalid_headers_is_protected_and_logs_to_s3(run):
    alb = run.one("aws:lb/loadBalancer:LoadBalancer").inputs
    assert alb["dropInvalidHeaderFields"] is True and alb["enableDeletionProtection"] is True
    assert alb["idleTimeout"] == 600 and alb["preserveHostHeader"] is True and alb["internal"] is False
    assert alb["accessLogs"] == {"bucket": "cluster-lb-logs-0a1b2c3", "prefix": "alb", "enabled": True}
    assert len(alb["name"]) <= 32


def test_the_idle_timeout_is_configurable():
    assert run7(cluster={"idle_timeout": 1800}).one("aws:lb/loadBalancer:LoadBalancer").inputs["idleTimeout"] == 1800


def test_access_logs_expire_and_only_the_elb_account_writes_them(run):
    rules = run.named("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "cluster-lb-logs")
    assert rules.inputs["rules"][0]["expiration"] == {"days": 90}
    policy = json.loads(run.named("aws:s3/bucketPolicy:BucketPolicy", "cluster-lb-logs").inputs["policy"])
    write = policy["Statement"][0]
    assert write["Principal"] == {"AWS": "arn:aws:iam::635631232127:root"}  # eu-south-1's ELB account
    assert write["Resource"].endswith("/alb/AWSLogs/123456789012/*")
    block = run.named("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "cluster-lb-logs").inputs
    assert all(block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))


def test_http_redirects_to_https_with_the_tls13_policy(run):
    listeners = {r.name: r.inputs for r in run.of_type("aws:lb/listener:Listener")}
    http, https = listeners["cluster-lb-http"], listeners["cluster-lb-https"]
    assert http["defaultActions"][0]["redirect"] == {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}
    assert https["sslPolicy"] == TLS_POLICY == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert https["certificateArn"] == run.one("aws:acm/certificateValidation:CertificateValidation").inputs[
        "certificateArn"]


def test_only_the_sites_name_reaches_odoo(run):
    https = {r.name: r.inputs for r in run.of_type("aws:lb/listener:Listener")}["cluster-lb-https"]
    assert https["defaultActions"][0]["type"] == "fixed-response"
    assert https["defaultActions"][0]["fixedResponse"]["statusCode"] == "404"
    rule = run.one("aws:lb/listenerRule:ListenerRule").inputs
    assert rule["conditions"] == [{"hostHeader": {"values": ["erp.example.org"]}}]
    assert rule["actions"][0]["forward"]["targetGroups"] == [
        {"arn": "arn:aws:mock:eu-south-1:123456789012:cluster-lb-blue", "weight": 100}]


def test_the_target_group_checks_web_health_on_the_sidecar(run):
    group = run.one("aws:lb/targetGroup:TargetGroup").inputs
    assert group["targetType"] == "ip" and group["port"] == SIDECAR_PORT
    assert group["healthCheck"]["path"] == "/web/health" and group["healthCheck"]["matcher"] == "200"
    assert web_service(run)["loadBalancers"][0]["containerName"] == "proxy"


def test_the_certificate_is_validated_by_dns_and_the_records_are_printed_without_a_zone(run):
    certificate = run.one("aws:acm/certificate:Certificate").inputs
    assert certificate["domainName"] == "erp.example.org" and certificate["validationMethod"] == "DNS"
    assert not run.of_type("aws:route53/record:Record")
    assert run.outputs["certificate_validation_records"][0]["type"] == "CNAME"
    assert run.outputs["alb_dns_name"].endswith(".elb.amazonaws.com")


def test_with_a_zone_the_sites_one_record_stays_on_the_host_until_the_cut_over():
    before = run7(dns_zone_id="Z0123456789ABC")
    records = {r.name: r.inputs for r in before.of_type("aws:route53/record:Record")}
    # One record for the name on every step (components/dns): two would not survive the host's deletion.
    assert set(records) == {"cluster-certificate-validation", "dns-a"}
    assert records["dns-a"]["records"] == [before.outputs["public_ip"]] and "aliases" not in records["dns-a"]
    validation = before.one("aws:acm/certificateValidation:CertificateValidation").inputs
    assert validation["validationRecordFqdns"]
    after = run7(dns_zone_id="Z0123456789ABC", cluster={"cutover": True})
    site = after.named("aws:route53/record:Record", "dns-a")
    assert site.inputs["aliases"][0]["name"].endswith(".elb.amazonaws.com") and "records" not in site.inputs
    assert site.urn == before.named("aws:route53/record:Record", "dns-a").urn  # the same record, updated
    assert after.outputs["dns_record"]["type"] == "A (alias)"


def test_without_a_zone_the_record_to_set_follows_the_cut_over():
    assert run7().outputs["dns_record"]["type"] == "A"
    record = run7(cluster={"cutover": True}).outputs["dns_record"]
    assert record["type"] == "CNAME" and record["value"].endswith(".elb.amazonaws.com")


# --- ECS ----------------------------------------------------------------------------------------------

def test_the_cluster_has_container_insights(run):
    assert {"name": "containerInsights", "value": "enabled"} in run.one("aws:ecs/cluster:Cluster").inputs["settings"]


def test_the_web_service_rolls_with_circuit_breaker_and_grace(run):
    web = web_service(run)
    assert web["desiredCount"] == 2 and web["launchType"] == "FARGATE"
    assert web["deploymentMinimumHealthyPercent"] == 100 and web["deploymentMaximumPercent"] == 200
    assert web["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert web["deploymentConfiguration"]["strategy"] == "ROLLING"
    assert web["healthCheckGracePeriodSeconds"] == 300 and web["enableExecuteCommand"] is True
    assert web["availabilityZoneRebalancing"] == "ENABLED"
    assert set(web["alarms"]["alarmNames"]) == {"odoo-ladder-prod-alb-5xx-rate", "odoo-ladder-prod-unhealthy-targets"}
    assert "desiredCount" in run.named(SERVICE, "cluster-services-web").ignore_changes


def test_autoscaling_tracks_cpu_and_requests_up_to_the_maximum(run):
    target = run.one("aws:appautoscaling/target:Target").inputs
    assert (target["minCapacity"], target["maxCapacity"]) == (2, 4)
    assert target["resourceId"] == "service/odoo-ladder-prod-cluster/odoo-ladder-prod-web"
    policies = {p.name: p.inputs["targetTrackingScalingPolicyConfiguration"]
                for p in run.of_type("aws:appautoscaling/policy:Policy")}
    cpu, requests = policies["cluster-services-web-cpu"], policies["cluster-services-web-requests"]
    assert cpu["predefinedMetricSpecification"]["predefinedMetricType"] == "ECSServiceAverageCPUUtilization"
    assert cpu["targetValue"] == 60
    spec = requests["predefinedMetricSpecification"]
    assert spec["predefinedMetricType"] == "ALBRequestCountPerTarget"
    assert spec["resourceLabel"].startswith("app/ol-prod-alb/") and "/targetgroup/ol-prod-blue/" in spec["resourceLabel"]


def test_one_cron_task_that_never_overlaps_a_deploy(run):
    cron = run.named(SERVICE, "cluster-services-cron").inputs
    assert cron["desiredCount"] == 1 and not cron.get("loadBalancers")
    assert (cron["deploymentMinimumHealthyPercent"], cron["deploymentMaximumPercent"]) == (0, 100)


def test_blue_green_uses_ecs_native_blue_green_with_a_second_target_group():
    run = run7(cluster={"deployment": "blue_green", "bake_time_minutes": 15})
    web = web_service(run)
    assert web["deploymentConfiguration"] == {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": "15"}
    assert not web.get("deploymentCircuitBreaker")  # ECS's circuit breaker is for rolling updates only
    assert web["alarms"]["rollback"] is True
    advanced = web["loadBalancers"][0]["advancedConfiguration"]
    assert advanced["alternateTargetGroupArn"] == "arn:aws:mock:eu-south-1:123456789012:cluster-lb-green"
    assert advanced["productionListenerRule"] == "arn:aws:mock:eu-south-1:123456789012:cluster-lb-https-site"
    rule = run.one("aws:lb/listenerRule:ListenerRule")
    assert "actions" in rule.ignore_changes
    role = json.loads(run.named("aws:iam/role:Role", "cluster-services-blue-green").inputs["assumeRolePolicy"])
    assert role["Statement"][0]["Principal"] == {"Service": "ecs.amazonaws.com"}


# --- task definitions ----------------------------------------------------------------------------------

def test_tasks_are_arm64_fargate_with_the_image_by_digest(run):
    for task in ("web", "cron"):
        inputs = run.named(TASK, f"cluster-tasks-{task}").inputs
        assert inputs["runtimePlatform"] == {"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"}
        assert inputs["requiresCompatibilities"] == ["FARGATE"] and inputs["networkMode"] == "awsvpc"
        assert containers(run, task)["odoo"]["image"] == IMAGE
    assert run.named(TASK, "cluster-tasks-web").inputs["cpu"] == "1024"


def test_x86_is_a_choice():
    inputs = run7(cluster={"architecture": "x86_64"}).named(TASK, "cluster-tasks-web").inputs
    assert inputs["runtimePlatform"]["cpuArchitecture"] == "X86_64"


def _conf(container: dict) -> dict:
    """odoo.conf as Odoo's own parser reads it (configparser.RawConfigParser, strict: a key twice fails)."""
    text = [e["value"] for e in container["environment"] if e["name"] == "ODOO_LADDER_ODOO_CONF"][0]
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    return dict(parser["options"])


def test_web_tasks_run_no_cron_and_the_cron_task_serves_no_http(run):
    web, cron = _conf(containers(run, "web")["config"]), _conf(containers(run, "cron")["config"])
    assert web["max_cron_threads"] == "0" and web.get("http_enable", "True") == "True"
    assert cron["http_enable"] == "False" and int(cron["max_cron_threads"]) >= 1
    assert web["workers"] == "3"  # 2 x 1 vCPU + 1
    assert web["db_host"] == "odoo-ladder-prod.c0a1b2c3d4e5.eu-south-1.rds.amazonaws.com"
    assert int(web["db_maxconn"]) >= 2
    assert web["proxy_mode"] == "True" and web["data_dir"] == "/var/lib/odoo"


@pytest.mark.parametrize("task", ["web", "cron", "backup"])
def test_every_task_verifies_rds_against_the_bundle_the_image_carries(run, task):
    from components.app.odoo_conf import DB_CA_PATH
    found = containers(run, task) if task != "backup" else {
        c["name"]: c for c in json.loads(run.named(TASK, "cluster-backup-definition").inputs["containerDefinitions"])}
    conf = _conf(found["config"])
    assert (conf["db_sslmode"], conf["db_sslrootcert"], conf["db_port"]) == ("verify-full", DB_CA_PATH, "5432")
    # Odoo hands libpq db_sslmode only: the bundle reaches libpq (and pg_dump, psql) by environment.
    env = {e["name"]: e["value"] for e in found["odoo" if task != "backup" else "backup"]["environment"]}
    assert (env["PGSSLMODE"], env["PGSSLROOTCERT"]) == ("verify-full", DB_CA_PATH)
    # The image puts the bundle there (a volume over /etc/odoo-ladder would hide it: the task's is beside).
    dockerfile = (Path(__file__).parents[2] / "image" / "Dockerfile").read_text()
    assert f"rds-global-bundle.pem {DB_CA_PATH}\n" in dockerfile
    assert all(m["containerPath"] != "/etc/odoo-ladder" for c in found.values() for m in c.get("mountPoints", []))


def test_workers_are_recycled_before_the_task_runs_out_of_memory(run):
    web, cron = _conf(containers(run, "web")["config"]), _conf(containers(run, "cron")["config"])
    # 3 workers x limit_memory_hard within 80 % of the web task's 2048 MiB; 2 cron workers in 1024 MiB.
    assert 3 * int(web["limit_memory_hard"]) <= 0.8 * 2048 * 2 ** 20
    assert 2 * int(cron["limit_memory_hard"]) <= 0.8 * 1024 * 2 ** 20
    assert int(web["limit_memory_soft"]) < int(web["limit_memory_hard"])


def test_the_filestore_is_efs_through_the_access_point_with_tls_and_iam(run):
    volumes = {v["name"]: v for v in run.named(TASK, "cluster-tasks-web").inputs["volumes"]}
    efs = volumes["filestore"]["efsVolumeConfiguration"]
    assert efs["transitEncryption"] == "ENABLED"
    assert efs["authorizationConfig"] == {"accessPointId": "cluster-filestore-access-point-id", "iam": "ENABLED"}
    mounts = {m["containerPath"]: m for m in containers(run, "web")["odoo"]["mountPoints"]}
    assert mounts["/var/lib/odoo"]["sourceVolume"] == "filestore"


@pytest.mark.parametrize("version", ["17.0", "18.0"])
def test_the_access_point_is_the_versions_odoo_user(version):
    point = run7(odoo={"version": version}).one("aws:efs/accessPoint:AccessPoint").inputs
    uid, gid = ODOO_UID_GID[version]
    assert point["posixUser"] == {"uid": uid, "gid": gid}
    assert point["rootDirectory"]["creationInfo"] == {"ownerUid": uid, "ownerGid": gid, "permissions": "0750"}


def test_no_task_definition_holds_a_secret(run):
    secrets = {r.inputs.get("result") for r in run.of_type("random:index/randomPassword:RandomPassword")}
    secrets |= {"generated-credentials-admin_password", "generated-credentials-db_password",
                "generated-credentials-admin_passwd"}
    for task in ("web", "cron"):
        text = run.named(TASK, f"cluster-tasks-{task}").inputs["containerDefinitions"]
        assert not any(secret and secret in text for secret in secrets)
        for container in json.loads(text):
            assert "secrets" not in container
            for variable in container.get("environment", []):
                assert "PASSWORD" not in variable["name"].upper() and "PASSWD" not in variable["name"].upper()
                assert "db_password" not in variable["value"] and "admin_passwd" not in variable["value"]


def test_the_entrypoint_reads_the_store_with_the_tasks_own_role(run):
    env = {e["name"]: e["value"] for e in containers(run, "web")["odoo"]["environment"]}
    assert env["ODOO_LADDER_SECRET_STORE"] == "ssm" and env["ODOO_LADDER_SECRET_PATH"] == "/odoo-ladder/prod"
    assert env["ODOO_LADDER_CONFIG_OUT"].startswith("/dev/shm/")  # the container's tmpfs
    # The base config from the task's volume, beside (not over) the image's /etc/odoo-ladder files.
    assert env["ODOO_LADDER_BASE_CONFIG"] == "/etc/odoo-ladder/task/odoo.conf"
    mounts = {m["sourceVolume"]: m["containerPath"] for m in containers(run, "web")["odoo"]["mountPoints"]}
    assert mounts["config"] == "/etc/odoo-ladder/task"
    roles = {run.named(TASK, f"cluster-tasks-{t}").inputs["taskRoleArn"] for t in ("web", "cron")}
    assert len(roles) == 2
    policy = json.loads(run.named("aws:iam/rolePolicy:RolePolicy", "cluster-tasks-web").inputs["policy"])
    resources = [r for s in policy["Statement"] for r in (s["Resource"] if isinstance(s["Resource"], list)
                                                           else [s["Resource"]])]
    assert "arn:aws:ssm:eu-south-1:123456789012:parameter/odoo-ladder/prod/*" in resources
    efs = [s for s in policy["Statement"] if s["Sid"] == "MountFilestoreThroughAccessPoint"][0]
    assert "elasticfilesystem:AccessPointArn" in efs["Condition"]["ArnEquals"]


def test_logs_go_to_one_group_with_a_retention(run):
    group = run.named("aws:cloudwatch/logGroup:LogGroup", "cluster-tasks-logs").inputs
    assert group["name"] == "/odoo-ladder/prod/ecs" and group["retentionInDays"] == 30
    for container in containers(run, "web").values():
        assert container["logConfiguration"]["logDriver"] == "awslogs"
        assert container["logConfiguration"]["options"]["awslogs-group"] == "/odoo-ladder/prod/ecs"


def test_the_sidecar_serves_the_target_groups_port_after_the_config_is_written(run):
    proxy = containers(run, "web")["proxy"]
    assert proxy["portMappings"][0]["containerPort"] == SIDECAR_PORT
    assert {"containerName": "config", "condition": "SUCCESS"} in proxy["dependsOn"]
    assert containers(run, "web")["config"]["essential"] is False


# --- EFS and RDS -----------------------------------------------------------------------------------

def test_efs_is_encrypted_with_the_stack_key_backed_up_elastic_and_kept(run):
    found = run.one("aws:efs/fileSystem:FileSystem")
    assert found.inputs["encrypted"] is True
    assert found.inputs["kmsKeyId"] == "arn:aws:kms:eu-south-1:123456789012:key/secrets-key"
    assert found.inputs["throughputMode"] == "elastic"
    assert found.protect and found.retain_on_delete
    assert run.one("aws:efs/backupPolicy:BackupPolicy").inputs["backupPolicy"] == {"status": "ENABLED"}
    targets = run.of_type("aws:efs/mountTarget:MountTarget")
    assert sorted(t.inputs["subnetId"] for t in targets) == ["network-public-0-id", "network-public-1-id"]
    policy = json.loads(run.one("aws:efs/fileSystemPolicy:FileSystemPolicy").inputs["policy"])
    assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
               for s in policy["Statement"])


def test_only_the_access_point_and_the_kept_host_may_mount_the_filestore(run):
    statements = {s["Sid"]: s for s in json.loads(run.one("aws:efs/fileSystemPolicy:FileSystemPolicy").inputs[
        "policy"])["Statement"]}
    anyone = statements["MountThroughTheAccessPoint"]
    assert anyone["Condition"]["ArnEquals"] == {
        "elasticfilesystem:AccessPointArn": "arn:aws:mock:eu-south-1:123456789012:cluster-filestore-access-point"}
    assert "elasticfilesystem:ClientRootAccess" not in anyone["Action"]
    host = statements["HostCopiesTheFilestore"]  # the copy of the move 6 -> 7 (docs/step7.md)
    assert host["Principal"] == {"AWS": "arn:aws:iam::123456789012:role/host-role-0a1b2c3"}
    assert "elasticfilesystem:ClientRootAccess" in host["Action"]
    # The host role's own policy: this file system only, through a mount target.
    own = run.named("aws:iam/rolePolicy:RolePolicy", "cluster-filestore-host-copy")
    assert own.inputs["role"] == "host-role-0a1b2c3"  # the mocked host role's name
    (statement,) = json.loads(own.inputs["policy"])["Statement"]
    assert statement["Resource"].startswith("arn:aws:elasticfilesystem:eu-south-1:123456789012:file-system/fs-")
    assert sorted(statement["Action"]) == ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientRootAccess",
                                           "elasticfilesystem:ClientWrite"]
    assert statement["Condition"] == {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}
    # and the host's group reaches the mount targets on NFS
    rules = [r.inputs for r in run.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
             if r.inputs.get("referencedSecurityGroupId") == "host-sg-id" and r.inputs["fromPort"] != 5432]
    assert [(r["fromPort"], r["toPort"], r["securityGroupId"]) for r in rules] == [(2049, 2049, "cluster-sg-efs-id")]


def test_the_stack_key_lets_efs_use_it(run):
    policy = json.loads(run.named("aws:kms/key:Key", "secrets-key").inputs["policy"])
    sids = {s["Sid"] for s in policy["Statement"]}
    assert {"DeployerUseViaEfs", "DeployerGrantViaEfs"} <= sids


def test_rds_is_multi_az_at_step_7(run):
    assert run.one("aws:rds/instance:Instance").inputs["multiAz"] is True


def test_the_host_is_kept_but_gets_no_new_rollout(run):
    assert run.one("aws:ec2/instance:Instance") and run.one("aws:ebs/volume:Volume").protect
    assert not run.of_type("aws:ssm/association:Association")
