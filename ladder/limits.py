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


def _shape_problems(record: dict, service: str, operation: str, params: dict) -> list[Problem]:
    params = {k: _plain(v) for k, v in params.items() if v is not None}
    shape = _input_shape(service, operation)
    report = ParamValidator().validate(params, shape)
    messages = [report.generate_report()] if report.has_errors() else []
    messages += _constraint_problems(params, shape, operation)
    return [Problem(_label(record), f"{service} {operation}: {m}") for m in messages]


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


def _limited_name(what: str, limit: int):
    def check(record: dict) -> tuple[list[Measure], list[Problem]]:
        key, prefix_key = ("identifier", "identifierPrefix") if "RDS" in what else ("name", "namePrefix")
        return [Measure(_label(record), f"{what} (characters)", len(_name(record, key, prefix_key)), limit)], []
    return check


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


def _container_definitions(record: dict) -> tuple[list[Measure], list[Problem]]:
    definitions = record["inputs"].get("containerDefinitions") or "[]"
    return [Measure(_label(record), "ECS container definitions (bytes)", utf8(definitions),
                    ECS_CONTAINER_DEFINITIONS_BYTES)], []


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
    "aws:lb/loadBalancer:LoadBalancer": _limited_name("load balancer name", LB_NAME),
    "aws:alb/loadBalancer:LoadBalancer": _limited_name("load balancer name", LB_NAME),
    "aws:lb/targetGroup:TargetGroup": _limited_name("target group name", LB_NAME),
    "aws:alb/targetGroup:TargetGroup": _limited_name("target group name", LB_NAME),
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
