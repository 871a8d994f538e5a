"""`ladder cost`: a monthly estimate of a stack, from its mocked plan and the dated table prices.yaml.

Each priced resource of the plan becomes line items (quantity x unit price). A figure the table
does not have for the region is printed as unpriced and left out of the total, never guessed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

TABLE = Path(__file__).with_name("prices.yaml")


@dataclass(frozen=True)
class Line:
    what: str
    quantity: float
    unit: str
    price: float | None  # None: no figure in the table for this region

    @property
    def amount(self) -> float | None:
        return None if self.price is None else self.quantity * self.price


def load_table(path: Path = TABLE) -> dict:
    return yaml.safe_load(path.read_text())


def _price(table: dict, key: str, region: str, variant: str | None = None) -> float | None:
    by_region = table["prices"][key].get(region)
    if variant is not None:
        return (by_region or {}).get(variant)
    return by_region


def _bucket_gb(record: dict, assume: dict) -> float:
    # The backup bucket holds every kept set; the other buckets carry small, expiring bundles.
    return assume["backup_bucket_gb"] if record["name"].endswith("backup-bucket") else assume["other_bucket_gb"]


def line_items(records: list[dict], region: str, table: dict) -> list[Line]:
    hours = table["hours_per_month"]
    assume = table["assumptions"]
    p = lambda key, variant=None: _price(table, key, region, variant)  # noqa: E731
    lines: list[Line] = []
    buckets = 0
    for r in records:
        kind, name, inputs = r["type"], r["name"], r["inputs"]
        if kind == "aws:ec2/instance:Instance":
            itype = inputs.get("instanceType")
            lines.append(Line(f"{name}: EC2 {itype}", hours, "hours", p("ec2_hour", itype)))
            root = (inputs.get("rootBlockDevice") or {}).get("volumeSize") or 8
            lines.append(Line(f"{name}: root volume gp3", root, "GB-month", p("ebs_gp3_gb_month")))
        elif kind == "aws:ebs/volume:Volume":
            lines.append(Line(f"{name}: EBS {inputs.get('type', 'gp3')}", inputs.get("size", 0), "GB-month",
                              p("ebs_gp3_gb_month")))
        elif kind == "aws:ec2/eip:Eip":
            lines.append(Line(f"{name}: public IPv4 address", hours, "hours", p("public_ipv4_hour")))
        elif kind == "aws:kms/key:Key":
            lines.append(Line(f"{name}: KMS customer managed key", 1, "key-month", p("kms_key_month")))
        elif kind == "aws:ssm/parameter:Parameter" and inputs.get("tier", "Standard") == "Standard":
            lines.append(Line(f"{name}: SSM Standard parameter", 1, "parameter-month",
                              p("ssm_standard_parameter_month")))
        elif kind == "aws:secretsmanager/secret:Secret":
            lines.append(Line(f"{name}: Secrets Manager secret", 1, "secret-month", p("secretsmanager_secret_month")))
        elif kind == "aws:s3/bucket:Bucket":
            buckets += 1
            lines.append(Line(f"{name}: S3 Standard storage", _bucket_gb(r, assume), "GB-month",
                              p("s3_standard_gb_month")))
        elif kind == "aws:ecr/repository:Repository":
            lines.append(Line(f"{name}: ECR image storage", assume["registry_gb"], "GB-month",
                              p("ecr_storage_gb_month")))
        elif kind == "aws:rds/instance:Instance":
            # Multi-AZ bills the standby too: twice the hours and the storage. Backup storage up to the
            # database's size and Performance Insights' 7 days are free.
            copies = 2 if inputs.get("multiAz") else 1
            klass = inputs.get("instanceClass")
            lines.append(Line(f"{name}: RDS PostgreSQL {klass}" + (" Multi-AZ" if copies == 2 else ""),
                              hours * copies, "hours", p("rds_postgres_hour", klass)))
            lines.append(Line(f"{name}: RDS gp3 storage", inputs.get("allocatedStorage", 20) * copies, "GB-month",
                              p("rds_gp3_gb_month")))
            if inputs.get("manageMasterUserPassword"):
                lines.append(Line(f"{name}: master password secret (kept by RDS)", 1, "secret-month",
                                  p("secretsmanager_secret_month")))
        elif kind == "aws:cloudwatch/logGroup:LogGroup":
            gb = assume["logs_gb_per_month"]
            lines.append(Line(f"{name}: CloudWatch Logs ingestion", gb, "GB", p("logs_ingest_gb")))
            lines.append(Line(f"{name}: CloudWatch Logs storage", gb, "GB-month", p("logs_store_gb_month")))
    lines += cluster_line_items(records, p, hours, assume)
    if buckets:
        lines.append(Line("S3 PUT/LIST requests (all buckets)", assume["s3_put_per_month"] / 1000, "x1,000",
                          p("s3_put_per_1000")))
        lines.append(Line("S3 GET requests (all buckets)", assume["s3_get_per_month"] / 1000, "x1,000",
                          p("s3_get_per_1000")))
    if any(r["type"] in ("aws:ec2/instance:Instance", "aws:lb/loadBalancer:LoadBalancer") for r in records):
        lines.append(Line("data transfer out to the internet", assume["data_out_gb_per_month"], "GB",
                          p("data_out_gb")))
    return lines


def _task_definitions(records: list[dict]) -> dict[str, dict]:
    """Task definitions by the ARN the plan gives them (the mocks' ARN ends in the logical name)."""
    return {r["name"]: r["inputs"] for r in records if r["type"] == "aws:ecs/taskDefinition:TaskDefinition"}


def _task_of(arn: str, tasks: dict[str, dict]) -> tuple[str, dict] | None:
    return next(((name, inputs) for name, inputs in tasks.items() if str(arn).endswith(f":{name}")), None)


def _fargate(what: str, task: dict, task_hours: float, p) -> list[Line]:
    arch = "arm64" if (task.get("runtimePlatform") or {}).get("cpuArchitecture", "X86_64") == "ARM64" else "x86_64"
    vcpu, gb = int(task["cpu"]) / 1024, int(task["memory"]) / 1024
    return [Line(f"{what}: Fargate {arch} vCPU", vcpu * task_hours, "vCPU-hours", p("fargate_vcpu_hour", arch)),
            Line(f"{what}: Fargate {arch} memory", gb * task_hours, "GB-hours", p("fargate_gb_hour", arch))]


def cluster_line_items(records: list[dict], p, hours: float, assume: dict) -> list[Line]:
    """Step 7: Fargate tasks (and their public IPv4s), the ALB, EFS, endpoints, alarms (RDS is line_items')."""
    tasks = _task_definitions(records)
    lines: list[Line] = []
    for r in records:
        kind, name, inputs = r["type"], r["name"], r["inputs"]
        if kind == "aws:ecs/service:Service":
            found = _task_of(inputs.get("taskDefinition", ""), tasks)
            count = int(inputs.get("desiredCount") or 0)
            if found:
                lines += _fargate(f"{name} ({count} tasks)", found[1], count * hours, p)
            if (inputs.get("networkConfiguration") or {}).get("assignPublicIp"):
                lines.append(Line(f"{name}: public IPv4 per task", count * hours, "hours", p("public_ipv4_hour")))
        elif kind == "aws:scheduler/schedule:Schedule":
            found = _task_of(((inputs.get("target") or {}).get("ecsParameters") or {}).get("taskDefinitionArn", ""),
                             tasks)
            if found:
                lines += _fargate(f"{name} (scheduled task)", found[1], assume["backup_task_hours_per_month"], p)
        elif kind == "aws:lb/loadBalancer:LoadBalancer":
            lines.append(Line(f"{name}: Application Load Balancer", hours, "hours", p("alb_hour")))
            lines.append(Line(f"{name}: load balancer capacity units", assume["alb_lcu"] * hours, "LCU-hours",
                              p("alb_lcu_hour")))
            if not inputs.get("internal"):  # one public IPv4 per zone
                zones = len(inputs.get("subnets") or [])
                lines.append(Line(f"{name}: public IPv4 per zone", zones * hours, "hours", p("public_ipv4_hour")))
        elif kind == "aws:efs/fileSystem:FileSystem":
            lines.append(Line(f"{name}: EFS Standard", assume["efs_gb"], "GB-month", p("efs_standard_gb_month")))
            lines.append(Line(f"{name}: EFS Elastic reads", assume["efs_read_gb_per_month"], "GB",
                              p("efs_elastic_read_gb")))
            lines.append(Line(f"{name}: EFS Elastic writes", assume["efs_write_gb_per_month"], "GB",
                              p("efs_elastic_write_gb")))
        elif kind == "aws:ec2/vpcEndpoint:VpcEndpoint" and inputs.get("vpcEndpointType") == "Interface":
            zones = len(inputs.get("subnetIds") or [])
            lines.append(Line(f"{name}: interface endpoint in {zones} zones", zones * hours, "endpoint-hours",
                              p("vpc_interface_endpoint_hour")))
        elif kind == "aws:cloudwatch/metricAlarm:MetricAlarm":
            metrics = sum(1 for q in inputs.get("metricQueries") or [] if q.get("metric")) or 1
            lines.append(Line(f"{name}: CloudWatch alarm", metrics, "alarm metric-months",
                              p("cloudwatch_alarm_metric_month")))
        elif kind == "aws:cloudwatch/dashboard:Dashboard":
            lines.append(Line(f"{name}: CloudWatch dashboard", 1, "dashboard-months", p("cloudwatch_dashboard_month")))
    return lines


def total(lines: list[Line]) -> float:
    return sum(line.amount for line in lines if line.amount is not None)


def report(stack: str, target: str, region: str, lines: list[Line], table: dict) -> str:
    out = [f"monthly cost of {stack} (target {target}, region {region}), {table['currency']}"]
    if target != "aws":
        out.append("  runs on this machine's Docker engine: no AWS charges")
    for line in lines:
        amount = "   unpriced" if line.amount is None else f"{line.amount:11.2f}"
        price = "no figure for this region" if line.price is None else f"{line.price:g}"
        out.append(f"  {amount}  {line.what}  ({line.quantity:g} {line.unit} x {price})")
    unpriced = [line for line in lines if line.amount is None]
    out.append(f"  {total(lines):11.2f}  total" + (f" (+ {len(unpriced)} unpriced lines: the table has no "
                                                   f"figure for {region}; see ladder/prices.yaml)" if unpriced else ""))
    assume = table["assumptions"]
    out.append(f"assumptions: {table['hours_per_month']} hours a month; on-demand, no free tier; "
               + "; ".join(f"{key} = {value}" for key, value in assume.items()))
    out.append(f"prices read {table['read']} from the sources named in ladder/prices.yaml:")
    out.extend(f"  {key}: {' '.join(str(entry['source']).split())}" for key, entry in table["prices"].items())
    return "\n".join(out)
