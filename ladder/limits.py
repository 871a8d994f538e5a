"""AWS limits that Pulumi's mocks cannot see, checked on a mocked plan's resources.

Mocks accept any value; AWS refuses an SSM document over 64 KB or a user-data over 16 KB only at
`pulumi up`, halfway through. This module measures every such input of a plan (the records of
`ladder plan --json`: type, name, inputs) against its quota, and checks the same values against
botocore's model of the real API call, offline: its ParamValidator (types, required members,
minimums) plus the model's enums, maximum lengths and patterns, which ParamValidator skips.
Pure: records in, findings out. A plan masks secret values (`[secret]`), so a parameter holding a
secret is measured by its mask; generated secrets are short (components/credentials).
"""
from __future__ import annotations

import base64
import ipaddress
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Optional

import botocore.session
from botocore.validate import ParamValidator

# The quotas, from DESIGN.md "AWS limits" (AWS's defaults; sizes in bytes unless said).
SSM_DOCUMENT_BYTES = 65_536          # content, parameters included
USER_DATA_BYTES = 16_384             # before base64
ROLE_INLINE_POLICY_CHARS = 10_240    # all inline policies of one role together
MANAGED_POLICY_CHARS = 6_144
TRUST_POLICY_CHARS = 2_048
SSM_STANDARD_PARAMETER_BYTES = 4_096
SSM_ADVANCED_PARAMETER_BYTES = 8_192
ECS_CONTAINER_DEFINITIONS_BYTES = 65_536
IAM_ROLE_NAME = 64
LB_NAME = 32                         # load balancers and target groups
RDS_IDENTIFIER = 63
S3_BUCKET_NAME = (3, 63)
LOG_GROUP_NAME = 512
# ECS container health checks (RegisterTaskDefinition's documented ranges) and Fargate's stop timeout.
ECS_HEALTH_CHECK_RANGES = {"interval": (5, 300), "timeout": (2, 120), "retries": (1, 10), "startPeriod": (0, 300)}
FARGATE_STOP_TIMEOUT = 120
ALB_IDLE_TIMEOUT_MAX = 4000
# CloudWatch: period x evaluation periods at most a day, or 7 days for periods of an hour or more.
ALARM_WINDOW = 86_400
ALARM_WINDOW_LONG = 7 * 86_400
TAG_KEY_CHARS = 128                  # tagging quotas common to AWS services
TAG_VALUE_CHARS = 256
TAGS_PER_RESOURCE = 50

# Pulumi auto-names a resource "<logical name>-<7 random characters>"; a bucket_prefix gets the AWS
# provider's 26-digit unique id.
AUTONAME_SUFFIX = "-abcdef0"
PREFIX_SUFFIX = "0" * 26


@dataclass(frozen=True)
class Measure:
    resource: str
    what: str
    size: int
    limit: int

    @property
    def ok(self) -> bool:
        return self.size <= self.limit

    def line(self) -> str:
        mark = "ok " if self.ok else "OVER"
        return f"{mark} {self.resource}: {self.what} {self.size:,} of {self.limit:,} ({self.limit - self.size:,} left)"


@dataclass(frozen=True)
class Problem:
    """An input AWS would refuse for a reason other than size: a name rule or the API's shape."""
    resource: str
    message: str

    def line(self) -> str:
        return f"BAD  {self.resource}: {self.message}"


@dataclass
class Report:
    measures: list[Measure]
    problems: list[Problem]

    def failures(self) -> list[str]:
        return [m.line() for m in self.measures if not m.ok] + [p.line() for p in self.problems]

    def lines(self) -> list[str]:
        return [m.line() for m in self.measures] + [p.line() for p in self.problems]


def compact_json(text: str) -> int:
    """IAM counts a policy without whitespace; counting compact JSON is the same or more."""
    return len(json.dumps(json.loads(text), separators=(",", ":")))


def utf8(text: str) -> int:
    return len(text.encode())


def bucket_name_problems(name: str) -> list[str]:
    """S3's naming rules for general purpose buckets."""
    problems = []
    low, high = S3_BUCKET_NAME
    if not low <= len(name) <= high:
        problems.append(f"is {len(name)} characters, S3 allows {low}-{high}")
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*[a-z0-9]", name):
        problems.append("must be lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit")
    if ".." in name:
        problems.append("has two adjacent dots")
    try:
        ipaddress.IPv4Address(name)
        problems.append("looks like an IP address")
    except ValueError:
        pass
    for prefix in ("xn--", "sthree-", "amzn-s3-demo-"):
        if name.startswith(prefix):
            problems.append(f"starts with the reserved {prefix!r}")
    for suffix in ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"):
        if name.endswith(suffix):
            problems.append(f"ends with the reserved {suffix!r}")
    return problems


def _name(record: dict, key: str = "name", prefix_key: str = "namePrefix", prefix_suffix: str = AUTONAME_SUFFIX) -> str:
    """The physical name AWS will see: given, from a prefix, or auto-named from the logical name."""
    inputs = record["inputs"]
    if inputs.get(key):
        return inputs[key]
    if inputs.get(prefix_key):
        return inputs[prefix_key] + prefix_suffix
    return record["name"] + AUTONAME_SUFFIX


def _label(record: dict) -> str:
    return f"{record['name']} ({record['type']})"


def _plain(value: Any) -> Any:
    """The wire format turns integers into floats; botocore wants integers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@lru_cache(maxsize=None)
def _input_shape(service: str, operation: str):
    return botocore.session.get_session().get_service_model(service).operation_model(operation).input_shape


def _constraint_problems(value: Any, shape, path: str) -> list[str]:
    """What ParamValidator leaves out (it checks types, required members and minimums): the model's
    enums, maximum lengths and patterns, which the service enforces."""
    if shape.type_name == "structure" and isinstance(value, dict):
        return [p for key, item in value.items() if key in shape.members
                for p in _constraint_problems(item, shape.members[key], f"{path}.{key}")]
    if shape.type_name == "list" and isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _constraint_problems(item, shape.member, f"{path}[{i}]")]
    problems = []
    meta = shape.metadata
    if shape.type_name == "string" and isinstance(value, str):
        if shape.enum and value not in shape.enum:
            problems.append(f"{path}: {value!r} is not one of {shape.enum}")
        if "max" in meta and len(value) > meta["max"]:
            problems.append(f"{path}: {len(value)} characters, the API allows {meta['max']}")
        try:
            if "pattern" in meta and not re.search(meta["pattern"], value):
                problems.append(f"{path}: {value[:60]!r} does not match {meta['pattern']}")
        except re.error:
            pass  # a Java-only construct (e.g. \p{...}): the service checks it
    if shape.type_name in ("integer", "long") and isinstance(value, int) and "max" in meta and value > meta["max"]:
        problems.append(f"{path}: {value} is above {meta['max']}")
    return problems


def request_problems(service: str, operation: str, params: dict) -> list[str]:
    """A request a script sends (e.g. components/cluster/scripts/odoo-upgrade-modules' RunTask), checked
    like the plan's inputs: ParamValidator plus the model's enums, maximum lengths and patterns."""
    params = {k: _plain(v) for k, v in params.items() if v is not None}
    shape = _input_shape(service, operation)
    report = ParamValidator().validate(params, shape)
    messages = [report.generate_report()] if report.has_errors() else []
    return messages + _constraint_problems(params, shape, operation)


def _shape_problems(record: dict, service: str, operation: str, params: dict) -> list[Problem]:
    return [Problem(_label(record), f"{service} {operation}: {m}")
            for m in request_problems(service, operation, params)]


def _document(record: dict) -> tuple[list[Measure], list[Problem]]:
    inputs = record["inputs"]
    content = inputs.get("content", "")
    name = _name(record)
    params = {"Content": content, "Name": name, "DocumentType": inputs.get("documentType"),
              "DocumentFormat": inputs.get("documentFormat")}
    return ([Measure(_label(record), "SSM document content (bytes)", utf8(content), SSM_DOCUMENT_BYTES)],
            _shape_problems(record, "ssm", "CreateDocument", params))


def _instance(record: dict) -> tuple[list[Measure], list[Problem]]:
    inputs = record["inputs"]
    user_data = inputs.get("userData") or ""
    metadata = inputs.get("metadataOptions") or {}
    params = {"ImageId": inputs.get("ami"), "InstanceType": inputs.get("instanceType"), "MinCount": 1, "MaxCount": 1,
              "UserData": base64.b64encode(user_data.encode()).decode(),
              "MetadataOptions": {"HttpTokens": metadata.get("httpTokens"), "HttpEndpoint": metadata.get("httpEndpoint"),
                                  "HttpPutResponseHopLimit": metadata.get("httpPutResponseHopLimit")}}
    params["MetadataOptions"] = {k: v for k, v in params["MetadataOptions"].items() if v is not None}
    return ([Measure(_label(record), "EC2 user-data (bytes before base64)", utf8(user_data), USER_DATA_BYTES)],
            _shape_problems(record, "ec2", "RunInstances", params))


def _role(record: dict) -> tuple[list[Measure], list[Problem]]:
    inputs = record["inputs"]
    trust = inputs.get("assumeRolePolicy", "{}")
    name = _name(record)
    measures = [Measure(_label(record), "IAM role trust policy (characters)", compact_json(trust), TRUST_POLICY_CHARS),
                Measure(_label(record), "IAM role name (characters)", len(name), IAM_ROLE_NAME)]
    return measures, _shape_problems(record, "iam", "CreateRole", {"RoleName": name, "AssumeRolePolicyDocument": trust})


def _managed_policy(record: dict) -> tuple[list[Measure], list[Problem]]:
    policy = record["inputs"].get("policy", "{}")
    return ([Measure(_label(record), "IAM managed policy (characters)", compact_json(policy), MANAGED_POLICY_CHARS)],
            _shape_problems(record, "iam", "CreatePolicy", {"PolicyName": _name(record), "PolicyDocument": policy}))


def _inline_policies(records: list[dict]) -> tuple[list[Measure], list[Problem]]:
    """The 10,240 characters are for all inline policies of a role together. A role whose name the
    mocks leave unknown groups with every other unknown one: counted together, never too little."""
    by_role: dict[Optional[str], list[dict]] = {}
    problems = []
    for record in records:
        by_role.setdefault(record["inputs"].get("role"), []).append(record)
        policy = record["inputs"].get("policy", "{}")
        problems += _shape_problems(record, "iam", "PutRolePolicy", {
            "RoleName": record["inputs"].get("role") or "mocked-role", "PolicyName": _name(record),
            "PolicyDocument": policy})
    measures = []
    for role, group in by_role.items():
        size = sum(compact_json(r["inputs"].get("policy", "{}")) for r in group)
        names = ", ".join(sorted(r["name"] for r in group))
        measures.append(Measure(f"role {role or '(the host role, unknown under mocks)'}: {names}",
                                "IAM inline policies together (characters)", size, ROLE_INLINE_POLICY_CHARS))
    return measures, problems


def _parameter(record: dict) -> tuple[list[Measure], list[Problem]]:
    inputs = record["inputs"]
    value = inputs.get("value") or ""
    advanced = inputs.get("tier") == "Advanced"
    limit = SSM_ADVANCED_PARAMETER_BYTES if advanced else SSM_STANDARD_PARAMETER_BYTES
    params = {"Name": inputs.get("name") or record["name"], "Value": value, "Type": inputs.get("type"),
              "Tier": inputs.get("tier"), "KeyId": inputs.get("keyId")}
    return ([Measure(_label(record), f"SSM {'Advanced' if advanced else 'Standard'} parameter value (bytes)",
                     utf8(value), limit)],
            _shape_problems(record, "ssm", "PutParameter", params))


def _bucket(record: dict) -> tuple[list[Measure], list[Problem]]:
    name = _name(record, key="bucket", prefix_key="bucketPrefix", prefix_suffix=PREFIX_SUFFIX)
    problems = [Problem(_label(record), f"bucket name {name!r} {p}") for p in bucket_name_problems(name)]
    return ([Measure(_label(record), "S3 bucket name (characters)", len(name), S3_BUCKET_NAME[1])],
            problems + _shape_problems(record, "s3", "CreateBucket", {"Bucket": name}))


def _rds_instance(record: dict) -> tuple[list[Measure], list[Problem]]:
    """The identifier's 63 characters, and the inputs CreateDBInstance validates (enums, types)."""
    inputs = record["inputs"]
    identifier = _name(record, "identifier", "identifierPrefix")
    params = {"DBInstanceIdentifier": identifier, "DBInstanceClass": inputs.get("instanceClass"),
              "Engine": inputs.get("engine"), "EngineVersion": inputs.get("engineVersion"),
              "AllocatedStorage": inputs.get("allocatedStorage"), "MaxAllocatedStorage": inputs.get("maxAllocatedStorage"),
              "StorageType": inputs.get("storageType"), "StorageEncrypted": inputs.get("storageEncrypted"),
              "BackupRetentionPeriod": inputs.get("backupRetentionPeriod"),
              "PreferredBackupWindow": inputs.get("backupWindow"),
              "PreferredMaintenanceWindow": inputs.get("maintenanceWindow"), "MultiAZ": inputs.get("multiAz"),
              "PubliclyAccessible": inputs.get("publiclyAccessible"),
              "DeletionProtection": inputs.get("deletionProtection"),
              "CopyTagsToSnapshot": inputs.get("copyTagsToSnapshot"),
              "EnablePerformanceInsights": inputs.get("performanceInsightsEnabled"),
              "PerformanceInsightsRetentionPeriod": inputs.get("performanceInsightsRetentionPeriod"),
              "EnableCloudwatchLogsExports": inputs.get("enabledCloudwatchLogsExports"),
              "MasterUsername": inputs.get("username"), "ManageMasterUserPassword": inputs.get("manageMasterUserPassword"),
              "AutoMinorVersionUpgrade": inputs.get("autoMinorVersionUpgrade"), "Port": inputs.get("port")}
    problems = []
    if not re.fullmatch(r"[a-z][a-z0-9-]*", identifier) or "--" in identifier or identifier.endswith("-"):
        problems.append(Problem(_label(record), f"RDS identifier {identifier!r} must start with a letter and hold "
                                                "only letters, digits and single hyphens, not ending in one"))
    retention = inputs.get("backupRetentionPeriod")
    if retention is not None and not 0 <= _plain(retention) <= 35:
        problems.append(Problem(_label(record), f"backup retention {retention} is outside RDS's 0-35 days"))
    return ([Measure(_label(record), "RDS identifier (characters)", len(identifier), RDS_IDENTIFIER)],
            problems + _shape_problems(record, "rds", "CreateDBInstance", params))


def _ecs_tags(tags: Any) -> Optional[list[dict]]:
    return [{"key": k, "value": v} for k, v in tags.items()] if isinstance(tags, dict) else None


def _container_problems(record: dict, definitions: list, fargate: bool) -> list[Problem]:
    """What RegisterTaskDefinition checks beyond the model: health-check ranges, Fargate's stop timeout."""
    problems = []
    for container in definitions if isinstance(definitions, list) else []:
        name = container.get("name", "?")
        check = container.get("healthCheck") or {}
        for key, (low, high) in ECS_HEALTH_CHECK_RANGES.items():
            if key in check and not low <= check[key] <= high:
                problems.append(f"container {name}: healthCheck.{key} {check[key]} is outside ECS's {low}-{high}")
        if fargate and container.get("stopTimeout", 0) > FARGATE_STOP_TIMEOUT:
            problems.append(f"container {name}: stopTimeout {container['stopTimeout']} is above Fargate's "
                            f"{FARGATE_STOP_TIMEOUT} s")
    return [Problem(_label(record), p) for p in problems]


def _fargate_pair(record: dict) -> list[Problem]:
    from components.cluster.fargate import PAIRS  # the table the config is checked against, too
    inputs = record["inputs"]
    cpu, memory = int(inputs.get("cpu") or 0), int(inputs.get("memory") or 0)
    if memory in PAIRS.get(cpu, ()):
        return []
    return [Problem(_label(record), f"cpu {cpu} / memory {memory} is not a Fargate pair")]


def _container_definitions(record: dict) -> tuple[list[Measure], list[Problem]]:
    """The 64 KiB of container definitions, and RegisterTaskDefinition's shape from the plan's values."""
    inputs = record["inputs"]
    text = inputs.get("containerDefinitions") or "[]"
    definitions = json.loads(text)
    fargate = "FARGATE" in (inputs.get("requiresCompatibilities") or [])
    params = {"family": inputs.get("family") or record["name"], "taskRoleArn": inputs.get("taskRoleArn"),
              "executionRoleArn": inputs.get("executionRoleArn"), "networkMode": inputs.get("networkMode"),
              "containerDefinitions": definitions, "volumes": inputs.get("volumes"),
              "requiresCompatibilities": inputs.get("requiresCompatibilities"), "cpu": inputs.get("cpu"),
              "memory": inputs.get("memory"), "runtimePlatform": inputs.get("runtimePlatform"),
              "tags": _ecs_tags(inputs.get("tags"))}
    problems = _shape_problems(record, "ecs", "RegisterTaskDefinition", params)
    problems += _container_problems(record, definitions, fargate) + (_fargate_pair(record) if fargate else [])
    return [Measure(_label(record), "ECS container definitions (bytes)", utf8(text),
                    ECS_CONTAINER_DEFINITIONS_BYTES)], problems


def _ecs_service(record: dict) -> tuple[list[Measure], list[Problem]]:
    inputs = record["inputs"]
    network = inputs.get("networkConfiguration") or {}
    public = network.get("assignPublicIp")
    strategy = inputs.get("deploymentConfiguration") or {}
    bake = strategy.get("bakeTimeInMinutes")
    deployment = {"deploymentCircuitBreaker": inputs.get("deploymentCircuitBreaker"),
                  "maximumPercent": inputs.get("deploymentMaximumPercent"),
                  "minimumHealthyPercent": inputs.get("deploymentMinimumHealthyPercent"),
                  "alarms": inputs.get("alarms"), "strategy": strategy.get("strategy"),
                  # The provider takes text; the API an integer.
                  "bakeTimeInMinutes": int(bake) if bake not in (None, "") else None}
    params = {"cluster": inputs.get("cluster"), "serviceName": _name(record),
              "taskDefinition": inputs.get("taskDefinition"), "loadBalancers": inputs.get("loadBalancers"),
              "desiredCount": inputs.get("desiredCount"), "launchType": inputs.get("launchType"),
              "platformVersion": inputs.get("platformVersion"),
              "deploymentConfiguration": {k: v for k, v in deployment.items() if v is not None},
              "networkConfiguration": {"awsvpcConfiguration": {
                  "subnets": network.get("subnets"), "securityGroups": network.get("securityGroups"),
                  "assignPublicIp": None if public is None else ("ENABLED" if public else "DISABLED")}}
              if network else None,
              "healthCheckGracePeriodSeconds": inputs.get("healthCheckGracePeriodSeconds"),
              "enableExecuteCommand": inputs.get("enableExecuteCommand"),
              "availabilityZoneRebalancing": inputs.get("availabilityZoneRebalancing"),
              "propagateTags": inputs.get("propagateTags"), "tags": _ecs_tags(inputs.get("tags"))}
    if params["networkConfiguration"]:
        vpc = params["networkConfiguration"]["awsvpcConfiguration"]
        params["networkConfiguration"]["awsvpcConfiguration"] = {k: v for k, v in vpc.items() if v is not None}
    return [], _shape_problems(record, "ecs", "CreateService", params)


def _elb_tags(tags: Any) -> Optional[list[dict]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()] if isinstance(tags, dict) else None


def _load_balancer(record: dict) -> tuple[list[Measure], list[Problem]]:
    inputs = record["inputs"]
    name = _name(record)
    logs = inputs.get("accessLogs") or {}
    attributes = {"idle_timeout.timeout_seconds": inputs.get("idleTimeout"),
                  "routing.http.drop_invalid_header_fields.enabled": inputs.get("dropInvalidHeaderFields"),
                  "deletion_protection.enabled": inputs.get("enableDeletionProtection"),
                  "routing.http.preserve_host_header.enabled": inputs.get("preserveHostHeader"),
                  "access_logs.s3.enabled": logs.get("enabled"), "access_logs.s3.bucket": logs.get("bucket"),
                  "access_logs.s3.prefix": logs.get("prefix")}
    problems = _shape_problems(record, "elbv2", "CreateLoadBalancer", {
        "Name": name, "Subnets": inputs.get("subnets"), "SecurityGroups": inputs.get("securityGroups"),
        "Scheme": "internal" if inputs.get("internal") else "internet-facing",
        "Type": inputs.get("loadBalancerType"), "Tags": _elb_tags(inputs.get("tags"))})
    problems += _shape_problems(record, "elbv2", "ModifyLoadBalancerAttributes", {
        "LoadBalancerArn": "arn:aws:elasticloadbalancing:mock", "Attributes": [
            {"Key": k, "Value": str(_plain(v)).lower() if isinstance(v, bool) else str(_plain(v))}
            for k, v in attributes.items() if v is not None]})
    timeout = _plain(inputs.get("idleTimeout"))
    if timeout is not None and not 1 <= timeout <= ALB_IDLE_TIMEOUT_MAX:
        problems.append(Problem(_label(record), f"idle timeout {timeout} is outside the ALB's 1-{ALB_IDLE_TIMEOUT_MAX} s"))
    problems += [Problem(_label(record), f"load balancer name {name!r} {p}") for p in lb_name_problems(name)]
    return [Measure(_label(record), "load balancer name (characters)", len(name), LB_NAME)], problems


def lb_name_problems(name: str) -> list[str]:
    """Elastic Load Balancing's rules for load balancer and target group names."""
    problems = []
    if not re.fullmatch(r"[A-Za-z0-9-]+", name):
        problems.append("may hold only letters, digits and hyphens")
    if name.startswith("-") or name.endswith("-"):
        problems.append("must not start or end with a hyphen")
    if name.startswith("internal-"):
        problems.append("must not start with 'internal-'")
    return problems


def _target_group(record: dict) -> tuple[list[Measure], list[Problem]]:
    inputs = record["inputs"]
    name = _name(record)
    check = inputs.get("healthCheck") or {}
    params = {"Name": name, "Protocol": inputs.get("protocol"), "Port": inputs.get("port"),
              "VpcId": inputs.get("vpcId"), "TargetType": inputs.get("targetType"),
              "HealthCheckProtocol": check.get("protocol"), "HealthCheckPort": check.get("port"),
              "HealthCheckPath": check.get("path"), "HealthCheckIntervalSeconds": check.get("interval"),
              "HealthCheckTimeoutSeconds": check.get("timeout"), "HealthyThresholdCount": check.get("healthyThreshold"),
              "UnhealthyThresholdCount": check.get("unhealthyThreshold"),
              "Matcher": {"HttpCode": check["matcher"]} if check.get("matcher") else None,
              "Tags": _elb_tags(inputs.get("tags"))}
    problems = _shape_problems(record, "elbv2", "CreateTargetGroup", params)
    problems += [Problem(_label(record), f"target group name {name!r} {p}") for p in lb_name_problems(name)]
    return [Measure(_label(record), "target group name (characters)", len(name), LB_NAME)], problems


def _listener(record: dict) -> tuple[list[Measure], list[Problem]]:
    inputs = record["inputs"]

    params = {"LoadBalancerArn": inputs.get("loadBalancerArn"), "Protocol": inputs.get("protocol"),
              "Port": inputs.get("port"), "SslPolicy": inputs.get("sslPolicy"),
              "Certificates": [{"CertificateArn": inputs["certificateArn"]}] if inputs.get("certificateArn") else None,
              "DefaultActions": [_lb_action(a) for a in inputs.get("defaultActions") or []]}
    return [], _shape_problems(record, "elbv2", "CreateListener", params)


def _lb_action(a: dict) -> dict:
    """A listener's or rule's action, from the provider's shape to the API's."""
    redirect, fixed, forward = a.get("redirect"), a.get("fixedResponse"), a.get("forward")
    return {k: v for k, v in {
        "Type": a.get("type"), "TargetGroupArn": a.get("targetGroupArn"),
        "RedirectConfig": {"Protocol": redirect.get("protocol"), "Port": redirect.get("port"),
                           "StatusCode": redirect.get("statusCode")} if redirect else None,
        "FixedResponseConfig": {k: v for k, v in {"StatusCode": fixed.get("statusCode"),
                                                  "ContentType": fixed.get("contentType"),
                                                  "MessageBody": fixed.get("messageBody")}.items() if v}
        if fixed else None,
        "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": g.get("arn"), "Weight": g.get("weight")}
                                           for g in forward.get("targetGroups") or []]} if forward else None,
    }.items() if v}


def _listener_rule(record: dict) -> tuple[list[Measure], list[Problem]]:
    inputs = record["inputs"]
    conditions = []
    for condition in inputs.get("conditions") or []:
        if condition.get("hostHeader"):
            conditions.append({"Field": "host-header", "HostHeaderConfig": {"Values": condition["hostHeader"]["values"]}})
        if condition.get("pathPattern"):
            conditions.append({"Field": "path-pattern", "PathPatternConfig": {"Values": condition["pathPattern"]["values"]}})
    params = {"ListenerArn": inputs.get("listenerArn"), "Priority": inputs.get("priority"), "Conditions": conditions,
              "Actions": [_lb_action(a) for a in inputs.get("actions") or []], "Tags": _elb_tags(inputs.get("tags"))}
    return [], _shape_problems(record, "elbv2", "CreateRule", params)


def _efs(record: dict) -> tuple[list[Measure], list[Problem]]:
    inputs = record["inputs"]
    params = {"CreationToken": inputs.get("creationToken") or record["name"],
              # KmsKeyId left out: under mocks it is no real key id (the key's own tests check it).
              "PerformanceMode": inputs.get("performanceMode"), "Encrypted": inputs.get("encrypted"),
              "ThroughputMode": inputs.get("throughputMode"),
              "Tags": _elb_tags(inputs.get("tags"))}
    return [], _shape_problems(record, "efs", "CreateFileSystem", params)


def _efs_access_point(record: dict) -> tuple[list[Measure], list[Problem]]:
    inputs = record["inputs"]
    user, root = inputs.get("posixUser") or {}, inputs.get("rootDirectory") or {}
    info = root.get("creationInfo") or {}
    params = {"ClientToken": record["name"], "FileSystemId": inputs.get("fileSystemId"),
              "PosixUser": {"Uid": user.get("uid"), "Gid": user.get("gid")} if user else None,
              "RootDirectory": {"Path": root.get("path"), "CreationInfo": {
                  "OwnerUid": info.get("ownerUid"), "OwnerGid": info.get("ownerGid"),
                  "Permissions": info.get("permissions")} if info else None} if root else None,
              "Tags": _elb_tags(inputs.get("tags"))}
    if params["RootDirectory"] and params["RootDirectory"]["CreationInfo"] is None:
        del params["RootDirectory"]["CreationInfo"]
    return [], _shape_problems(record, "efs", "CreateAccessPoint", params)


def _scaling_policy(record: dict) -> tuple[list[Measure], list[Problem]]:
    inputs = record["inputs"]
    tracking = inputs.get("targetTrackingScalingPolicyConfiguration") or {}
    metric = tracking.get("predefinedMetricSpecification") or {}
    params = {"PolicyName": _name(record), "ServiceNamespace": inputs.get("serviceNamespace"),
              "ResourceId": inputs.get("resourceId"), "ScalableDimension": inputs.get("scalableDimension"),
              "PolicyType": inputs.get("policyType"),
              "TargetTrackingScalingPolicyConfiguration": {
                  "TargetValue": tracking.get("targetValue"),
                  "PredefinedMetricSpecification": {k: v for k, v in {
                      "PredefinedMetricType": metric.get("predefinedMetricType"),
                      "ResourceLabel": metric.get("resourceLabel")}.items() if v},
                  "ScaleInCooldown": tracking.get("scaleInCooldown"), "ScaleOutCooldown": tracking.get("scaleOutCooldown")}
              if tracking else None}
    return [], _shape_problems(record, "application-autoscaling", "PutScalingPolicy", params)


def _metric_alarm(record: dict) -> tuple[list[Measure], list[Problem]]:
    inputs = record["inputs"]
    period, periods = _plain(inputs.get("period")), _plain(inputs.get("evaluationPeriods"))
    dimensions = inputs.get("dimensions") or {}
    params = {"AlarmName": _name(record), "AlarmDescription": inputs.get("alarmDescription"),
              "ComparisonOperator": inputs.get("comparisonOperator"), "EvaluationPeriods": periods,
              "Threshold": inputs.get("threshold"), "TreatMissingData": inputs.get("treatMissingData"),
              "Namespace": inputs.get("namespace"), "MetricName": inputs.get("metricName"), "Period": period,
              "Statistic": inputs.get("statistic"), "ExtendedStatistic": inputs.get("extendedStatistic"),
              "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()] or None,
              "AlarmActions": inputs.get("alarmActions"), "OKActions": inputs.get("okActions"),
              "Metrics": [_metric_query(q) for q in inputs.get("metricQueries") or []] or None}
    problems = _shape_problems(record, "cloudwatch", "PutMetricAlarm", params)
    if period and periods:
        ceiling = ALARM_WINDOW_LONG if period >= 3600 else ALARM_WINDOW
        if period * periods > ceiling:
            problems.append(Problem(_label(record), f"period {period} s x {periods} evaluation periods is above "
                                                    f"CloudWatch's {ceiling} s"))
        if period not in (10, 20, 30) and period % 60:
            problems.append(Problem(_label(record), f"period {period} s is not 10, 20, 30 or a multiple of 60"))
    return [], problems


def _schedule(record: dict) -> tuple[list[Measure], list[Problem]]:
    """EventBridge Scheduler's CreateSchedule, with an ECS RunTask target."""
    inputs = record["inputs"]
    target = inputs.get("target") or {}
    ecs = target.get("ecsParameters") or {}
    network = ecs.get("networkConfiguration") or {}
    retry = target.get("retryPolicy") or {}
    public = network.get("assignPublicIp")
    params = {"Name": _name(record), "ScheduleExpression": inputs.get("scheduleExpression"),
              "ScheduleExpressionTimezone": inputs.get("scheduleExpressionTimezone"),
              "FlexibleTimeWindow": {"Mode": (inputs.get("flexibleTimeWindow") or {}).get("mode")},
              "Target": {"Arn": target.get("arn"), "RoleArn": target.get("roleArn"),
                         "RetryPolicy": {"MaximumRetryAttempts": retry.get("maximumRetryAttempts"),
                                         "MaximumEventAgeInSeconds": retry.get("maximumEventAgeInSeconds")}
                         if retry else None,
                         "EcsParameters": {k: v for k, v in {
                             "TaskDefinitionArn": ecs.get("taskDefinitionArn"), "LaunchType": ecs.get("launchType"),
                             "PlatformVersion": ecs.get("platformVersion"), "TaskCount": ecs.get("taskCount"),
                             "NetworkConfiguration": {"awsvpcConfiguration": {
                                 "Subnets": network.get("subnets"), "SecurityGroups": network.get("securityGroups"),
                                 "AssignPublicIp": None if public is None else ("ENABLED" if public else "DISABLED")}}
                             if network else None}.items() if v is not None} if ecs else None}}
    params["Target"] = {k: v for k, v in params["Target"].items() if v is not None}
    return [], _shape_problems(record, "scheduler", "CreateSchedule", params)


def _metric_query(query: dict) -> dict:
    metric = query.get("metric")
    found = {"Id": query.get("id"), "Expression": query.get("expression"), "Label": query.get("label"),
             "ReturnData": query.get("returnData")}
    if metric:
        found["MetricStat"] = {"Metric": {"Namespace": metric.get("namespace"), "MetricName": metric.get("metricName"),
                                          "Dimensions": [{"Name": k, "Value": v}
                                                         for k, v in (metric.get("dimensions") or {}).items()]},
                               "Period": metric.get("period"), "Stat": metric.get("stat")}
    return {k: v for k, v in found.items() if v is not None}


def _kms_alias(record: dict) -> tuple[list[Measure], list[Problem]]:
    inputs = record["inputs"]
    name = inputs.get("name") or (inputs.get("namePrefix") or "alias/") + AUTONAME_SUFFIX.lstrip("-")
    problems = [] if name.startswith("alias/") and not name.startswith("alias/aws/") else [
        Problem(_label(record), f"KMS alias {name!r} must start with 'alias/' and not with the reserved 'alias/aws/'")]
    return [], problems + _shape_problems(record, "kms", "CreateAlias", {
        "AliasName": name, "TargetKeyId": inputs.get("targetKeyId") or "mocked-key"})


def _log_group(record: dict) -> tuple[list[Measure], list[Problem]]:
    inputs = record["inputs"]
    name = _name(record)
    # The model's pattern is unanchored; CloudWatch takes only these characters, in the whole name.
    problems = [] if re.fullmatch(r"[.\-_/#A-Za-z0-9]+", name) else [
        Problem(_label(record), f"log group name {name!r} may only hold letters, digits and . - _ / #")]
    params = {"logGroupName": name, "kmsKeyId": inputs.get("kmsKeyId"), "logGroupClass": inputs.get("logGroupClass")}
    return ([Measure(_label(record), "CloudWatch log group name (characters)", len(name), LOG_GROUP_NAME)],
            problems + _shape_problems(record, "logs", "CreateLogGroup", params))


def _tag_problems(record: dict) -> list[Problem]:
    tags = record["inputs"].get("tags")
    if not isinstance(tags, dict):
        return []
    problems = [f"{len(tags)} tags, AWS allows {TAGS_PER_RESOURCE}"] if len(tags) > TAGS_PER_RESOURCE else []
    for key, value in tags.items():
        if not 1 <= len(key) <= TAG_KEY_CHARS:
            problems.append(f"tag key {key[:40]!r} is {len(key)} characters, AWS allows 1-{TAG_KEY_CHARS}")
        if key.lower().startswith("aws:"):
            problems.append(f"tag key {key!r} uses the reserved prefix 'aws:'")
        if isinstance(value, str) and len(value) > TAG_VALUE_CHARS:
            problems.append(f"tag {key!r} value is {len(value)} characters, AWS allows {TAG_VALUE_CHARS}")
    return [Problem(_label(record), p) for p in problems]


CHECKS = {
    "aws:ssm/document:Document": _document,
    "aws:ec2/instance:Instance": _instance,
    "aws:iam/role:Role": _role,
    "aws:iam/policy:Policy": _managed_policy,
    "aws:ssm/parameter:Parameter": _parameter,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketV2:BucketV2": _bucket,
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:alb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:lb/targetGroup:TargetGroup": _target_group,
    "aws:alb/targetGroup:TargetGroup": _target_group,
    "aws:lb/listener:Listener": _listener,
    "aws:lb/listenerRule:ListenerRule": _listener_rule,
    "aws:ecs/service:Service": _ecs_service,
    "aws:efs/fileSystem:FileSystem": _efs,
    "aws:efs/accessPoint:AccessPoint": _efs_access_point,
    "aws:appautoscaling/policy:Policy": _scaling_policy,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _metric_alarm,
    "aws:scheduler/schedule:Schedule": _schedule,
    "aws:rds/instance:Instance": _rds_instance,
    "aws:ecs/taskDefinition:TaskDefinition": _container_definitions,
    "aws:kms/alias:Alias": _kms_alias,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
}


INLINE_POLICY = "aws:iam/rolePolicy:RolePolicy"


def check_record(record: dict) -> Report:
    """One resource on its own (the policy pack calls this per resource). A role's inline policies
    count together: that sum is `check_inline_policies`."""
    found = CHECKS.get(record["type"])
    measures, problems = found(record) if found is not None else ([], [])
    return Report(measures, problems + _tag_problems(record))


def check_inline_policies(records: Iterable[dict]) -> Report:
    inline = [r for r in records if r["type"] == INLINE_POLICY]
    return Report(*_inline_policies(inline)) if inline else Report([], [])


def check(records: Iterable[dict]) -> Report:
    """records: dicts with type, name and inputs, as `ladder plan --json` prints them."""
    records = list(records)
    reports = [check_record(r) for r in records] + [check_inline_policies(records)]
    return Report([m for r in reports for m in r.measures], [p for r in reports for p in r.problems])
