"""The validated stack config: one sub-model per component, every field named as in the stack file.

Every model is frozen and forbids unknown keys, so a typo in `Pulumi.<stack>.yaml` is an error that
names the key instead of a setting that is silently ignored.
"""
from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from configs.cidrs import parse_admin_cidr
from configs.image_ref import parse_image

HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
DB_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
TIME_OF_DAY = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
# Quotes, spaces, `$` and `;` never reach the shell scripts these values are rendered into.
ACME_CA = re.compile(r"^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$")
ZONE = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+[a-z]$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
# PostgreSQL's own databases: Odoo's would share them with the server's maintenance.
RESERVED_DB_NAMES = ("postgres", "template0", "template1")

OdooVersion = Literal["17.0", "18.0", "19.0"]
# An Odoo module's technical name as `odoo -u` takes it (the folder name of the addon); nothing else
# reaches the command line of the upgrade.
MODULE_NAME = re.compile(r"^[a-z0-9][a-z0-9_]{0,127}$")


def _whole_number(value: Any) -> Any:
    """Pulumi hands top-level values over as text ("3"), so digits in text count; `true` does not."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError("must be a whole number, e.g. 2")
    if isinstance(value, str):
        if not re.fullmatch(r"-?[0-9]+", value.strip()):
            raise ValueError("must be a whole number, e.g. 2")
        return int(value)
    return value


def _true_or_false(value: Any) -> Any:
    """Only true/false: YAML 1.1's yes/on/1 are not booleans in Pulumi's YAML."""
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


# Strict in what they accept, except for the text form Pulumi's runtime passes.
Int = Annotated[int, BeforeValidator(_whole_number)]
Flag = Annotated[bool, BeforeValidator(_true_or_false)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OdooSettings(Model):
    version: OdooVersion = "18.0"
    # None: the step decides (0 at Step 0, 2 behind a proxy so the bus runs on 8072).
    workers: Optional[Int] = Field(default=None, ge=0, le=64)
    db_name: str = "odoo"
    # Pin the image (a tag or a digest) to upgrade on purpose; None follows the version's tag.
    image: Optional[str] = None
    # A new major version needs its database migrated first (configs/moves.py refuses it otherwise).
    allow_major_change: Flag = False
    # Modules to upgrade (`odoo -u`) once per new image, before Odoo restarts on it: a list of
    # technical names, or "all". None: no upgrade step.
    update_modules: Optional[Any] = None

    @field_validator("db_name")
    @classmethod
    def _db_name(cls, value: str) -> str:
        if not DB_NAME.match(value):
            raise ValueError("must start with a letter and hold only a-z, 0-9 and _ (at most 63)")
        if value in RESERVED_DB_NAMES:
            raise ValueError(f"{value} is one of PostgreSQL's own databases; choose another name, e.g. odoo")
        return value

    @field_validator("image")
    @classmethod
    def _image(cls, value: Optional[str]) -> Optional[str]:
        if value is not None:
            parse_image(value)
        return value

    @field_validator("update_modules")
    @classmethod
    def _update_modules(cls, value: Any) -> Optional[tuple[str, ...]]:
        """"all", or a list of module names; kept as a tuple ("all",) or the names in order."""
        if value is None:
            return None
        if value == "all":
            return ("all",)
        shape = 'must be "all" or a list of module technical names, e.g. [sale, stock]'
        if isinstance(value, str) or not isinstance(value, (list, tuple)) or not value:
            raise ValueError(shape)
        bad = [name for name in value if not isinstance(name, str) or not MODULE_NAME.match(name)]
        if bad:
            raise ValueError(f"{', '.join(map(repr, bad))}: not a module name (lower case letters, digits and _, "
                             f"as the addon's folder is named); {shape}")
        if "all" in value:
            raise ValueError('"all" upgrades every module: write update_modules: all, not in a list')
        return tuple(dict.fromkeys(value))


class HostSettings(Model):
    instance_type: str = "t3.medium"
    root_volume_gb: Int = Field(default=20, ge=8, le=1024)
    data_volume_gb: Int = Field(default=30, ge=10, le=16384)
    # Pin an AMI id to choose when the host is rebuilt; None takes the newest Ubuntu 24.04 once
    # and then ignores newer ones, so a new AMI never replaces the host on its own.
    ami: Optional[str] = None
    # The zone of the subnet and the data volume, chosen once: None keeps the stack's last zone, or
    # on the first deployment takes the region's first available one (a volume cannot change zone).
    availability_zone: Optional[str] = None
    # Step 7 once the site is on the ALB: the instance, its Elastic IP and security group go; the data
    # volume (the pre-move filestore and database) stays, detached (components/host/host.py).
    retire: Flag = False

    @field_validator("availability_zone")
    @classmethod
    def _zone(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not ZONE.match(value):
            raise ValueError("must be an availability zone name like eu-south-1a")
        return value

    @field_validator("ami")
    @classmethod
    def _ami(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not re.match(r"^ami-[0-9a-f]{8,17}$", value):
            raise ValueError("must be an AMI id like ami-0123456789abcdef0")
        return value


_CLOCK = r"([01][0-9]|2[0-3]):[0-5][0-9]"
_DAY_CLOCK = rf"(mon|tue|wed|thu|fri|sat|sun):{_CLOCK}"
# DatabaseSettings' RDS strings: (pattern, what the error shows).
_RDS_FORMATS = {
    "engine_version": (r"^[0-9]{2}\.[0-9]{1,2}$", "16.10 (PostgreSQL major.minor: the minor is pinned)"),
    "instance_class": (r"^db\.[a-z0-9]+\.[a-z0-9]+$", "db.t4g.micro (an RDS instance class)"),
    "backup_window": (rf"^{_CLOCK}-{_CLOCK}$", "02:00-02:30 (a UTC window, hh24:mi-hh24:mi)"),
    "maintenance_window": (rf"^{_DAY_CLOCK}-{_DAY_CLOCK}$", "sun:03:00-sun:03:30 (a UTC window, ddd:hh24:mi-ddd:hh24:mi)"),
}


class DatabaseSettings(Model):
    kind: Optional[Literal["container", "rds"]] = None
    # RDS (step 5 on). The minor is pinned: a new minor is taken on purpose, or by RDS's automatic
    # minor upgrade in the maintenance window. Its major must be the container's (components/database).
    engine_version: str = "16.10"
    instance_class: str = "db.t4g.micro"
    allocated_storage_gb: int = Field(default=20, ge=20, le=65536)
    # Storage autoscaling's ceiling: RDS grows gp3 up to here on its own.
    max_allocated_storage_gb: int = Field(default=100, ge=21, le=65536)
    # Automated backups and PITR: 7 days by default; RDS allows 1-35 (0 would switch PITR off).
    backup_retention_days: int = Field(default=7, ge=1, le=35)
    backup_window: str = "02:00-02:30"                  # UTC, hh24:mi-hh24:mi, at least 30 minutes
    maintenance_window: str = "sun:03:00-sun:03:30"    # UTC, ddd:hh24:mi-ddd:hh24:mi
    # None: the step decides (off at step 5, on at step 7).
    multi_az: Optional[bool] = None
    log_min_duration_ms: int = Field(default=2000, ge=-1, le=2147483647)
    idle_in_transaction_timeout_ms: int = Field(default=600_000, ge=0, le=2147483647)
    log_retention_days: Literal[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                                2192, 2557, 2922, 3288, 3653] = 30
    # rds -> container is refused unless this is set (the way back is a migration too).
    allow_move_back: bool = False
    # The container's data volume is kept after the move until this is set.
    retire_container: bool = False
    # An S3 bucket, an IAM role and a KMS grant for exporting RDS snapshots (Parquet, for analytics:
    # NOT restorable; the Step 4 sets and RDS's own snapshots are the restorable copies).
    snapshot_export: bool = False

    @field_validator("engine_version", "instance_class", "backup_window", "maintenance_window")
    @classmethod
    def _rds_formats(cls, value: str, info) -> str:
        pattern, example = _RDS_FORMATS[info.field_name]
        if not re.match(pattern, value):
            raise ValueError(f"must look like {example}")
        return value


class ProxySettings(Model):
    enabled: Optional[Flag] = None
    kind: Optional[Literal["caddy", "nginx", "traefik"]] = None
    # The ACME directory; None is Let's Encrypt production. Staging or a test CA goes here.
    acme_ca: Optional[str] = None

    @field_validator("acme_ca")
    @classmethod
    def _acme_ca(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not ACME_CA.match(value):
            raise ValueError("must be the https:// URL of an ACME directory (letters, digits, . - / only), e.g. "
                             "https://acme-staging-v02.api.letsencrypt.org/directory")
        return value


class SecretsSettings(Model):
    enabled: Optional[Flag] = None
    store: Literal["ssm", "secretsmanager"] = "ssm"


class BackupSettings(Model):
    enabled: Optional[Flag] = None
    time: str = "03:15"
    keep_days: Int = Field(default=30, ge=1, le=3650)
    # Move sets older than this to S3 Standard-IA (30 days at least); None keeps them in Standard.
    cold_after_days: Optional[Int] = Field(default=None, ge=30, le=3650)
    # Below Step 4 (or with backups off) keep the bucket, its history and its settings; the host's
    # timer stops. Without it, a stack that has a bucket refuses the move (configs/moves.py).
    retain: Flag = False
    # S3 Object Lock mode of the sets' default retention (keep_days): governance lets a principal with
    # s3:BypassGovernanceRetention remove a set early; compliance lets no one, not even the account root.
    lock_mode: Literal["governance", "compliance"] = "governance"

    @field_validator("time", mode="before")
    @classmethod
    def _time(cls, value: Any) -> str:
        # A number here is YAML 1.1 reading 12:30 as 750 (base 60): ask for quotes, not "got 750".
        if not isinstance(value, str):
            raise ValueError('must be a time of day as HH:MM (UTC) in quotes, e.g. "03:15"')
        if not TIME_OF_DAY.match(value):
            raise ValueError("must be a time of day as HH:MM (UTC), e.g. 03:15")
        return value


class LogsSettings(Model):
    enabled: Optional[Flag] = None
    cloudwatch: Flag = False


class Toggle(Model):
    enabled: Optional[Flag] = None


class GithubSettings(Model):
    """Who may assume the CI roles: one repository, through GitHub's OIDC provider."""

    owner: Optional[str] = None
    repo: Optional[str] = None
    # Repositories created from July 2026 send immutable ids in `sub` (`repo:ORG@ID/REPO@ID:...`):
    # give both ids to trust that form; without them the trust names `repo:ORG/REPO:...`.
    owner_id: Optional[int] = Field(default=None, ge=1)
    repo_id: Optional[int] = Field(default=None, ge=1)
    # An account holds one provider per URL: give its ARN if one exists; None creates it.
    oidc_provider_arn: Optional[str] = None
    # The protected environment the deploy job runs in (the deploy role trusts only this one).
    environment: str = "production"
    # The Pulumi state the CI roles may use (tools/bootstrap_state.py creates and prints both).
    state_bucket: Optional[str] = None
    state_key_arn: Optional[str] = None

    @field_validator("owner", "repo")
    @classmethod
    def _name(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", value):
            raise ValueError("must be a GitHub owner or repository name (letters, digits, '.', '_', '-')")
        return value

    @field_validator("environment")
    @classmethod
    def _environment(cls, value: str) -> str:
        # No wildcard and no ':' so the exact `sub` cannot be widened from config.
        if not re.match(r"^[A-Za-z0-9._-]{1,255}$", value):
            raise ValueError("must be a GitHub environment name without spaces, '*' or ':' (e.g. production)")
        return value


class RegistrySettings(Model):
    """Step 6: the image registry and the CI/CD identities (components/registry, components/cicd)."""

    enabled: Optional[bool] = None
    # ecr: the stack's own repository, the CI roles, the host pulls with its role. dockerhub: an image
    # on Docker Hub, pulled with `username` and the secret odoo-ladder:registry_token (docs/step6.md).
    kind: Literal["ecr", "dockerhub"] = "ecr"
    username: Optional[str] = None
    # The lifecycle keeps this many release (semver) tags; untagged images expire after 7 days.
    keep_releases: int = Field(default=20, ge=1, le=1000)
    github: GithubSettings = GithubSettings()
    # The image to run, by digest only (`<repository>@sha256:<64 hex>`): the deploy workflow sets it
    # to what it just pushed, so `pulumi preview` shows a new image as a change. A tag is refused.
    image: Optional[str] = None

    @field_validator("image")
    @classmethod
    def _image(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not re.match(r"^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$", value):
            raise ValueError("must be an image by digest, <registry>/<repository>@sha256:<64 hex digits>; "
                             "tags move, digests do not")
        return value

    @field_validator("username")
    @classmethod
    def _username(cls, value: Optional[str]) -> Optional[str]:
        # Docker Hub's rule for account names; nothing else reaches the login's command line.
        if value is not None and not re.match(r"^[a-z0-9]{4,30}$", value):
            raise ValueError("must be a Docker Hub account name (4-30 lower-case letters and digits)")
        return value


LOG_RETENTION_DAYS = Literal[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
                             2557, 2922, 3288, 3653]


class ClusterSettings(Model):
    """Step 7: Odoo on ECS Fargate behind an ALB (components/cluster; docs/step7.md)."""

    enabled: Optional[Flag] = None
    # Web tasks: at least two, one per zone; autoscaling moves between desired_count and max_count.
    desired_count: Int = Field(default=2, ge=2, le=20)
    max_count: Int = Field(default=4, ge=2, le=50)
    # A Fargate CPU/memory pair (CPU units, MiB): components/cluster/fargate.py lists the valid ones.
    cpu: Int = 1024
    memory: Int = 2048
    cron_cpu: Int = 512
    cron_memory: Int = 1024
    # Graviton is about 20% cheaper; the official odoo image is multi-arch (amd64, arm64).
    architecture: Literal["arm64", "x86_64"] = "arm64"
    # Tasks in private subnets with interface endpoints instead of public IPs (docs/step7.md: cost).
    private_tasks: Flag = False
    # rolling: ECS's rolling update with circuit breaker; blue_green: ECS's native blue/green.
    deployment: Literal["rolling", "blue_green"] = "rolling"
    bake_time_minutes: Int = Field(default=10, ge=0, le=1440)
    # Where the filestore lives: only EFS is built (s3 is refused, see docs/step7.md).
    filestore: Literal["efs", "s3"] = "efs"
    # The ALB's idle timeout: long reports and imports send nothing until they finish.
    idle_timeout: Int = Field(default=600, ge=1, le=4000)
    # Odoo loads its registry before /web/health answers: ECS ignores failed checks this long.
    health_check_grace_seconds: Int = Field(default=300, ge=0, le=7200)
    # Target tracking: average CPU (%) and ALB requests per target per minute.
    cpu_target: Int = Field(default=60, ge=10, le=90)
    requests_per_target: Int = Field(default=1000, ge=10, le=100000)
    log_retention_days: LOG_RETENTION_DAYS = 30
    access_log_days: Int = Field(default=90, ge=1, le=3650)
    # The site's name points at the ALB (the Route53 alias with dns_zone_id; the record to set in the
    # dns_record output without): false keeps the host's Elastic IP until the filestore is on EFS.
    cutover: Flag = False


class AlertsSettings(Model):
    """Where CloudWatch alarms go (step 7): an SNS topic with this e-mail subscribed."""

    email: Optional[str] = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not EMAIL.match(value):
            raise ValueError("must be an e-mail address for the alarms, e.g. ops@example.org")
        return value


class StackSettings(Model):
    """Everything under the `odoo-ladder:` namespace of a stack file."""

    target: Literal["local", "aws"] = "local"
    step: Int = Field(default=0, ge=0, le=7)
    domain: Optional[str] = None
    acme_email: Optional[str] = None
    admin_cidrs: tuple[str, ...] = ()
    # Opening 8069 to the whole internet must be a decision, not an accident.
    allow_world_admin: Flag = False
    # A Route53 hosted zone to create the domain's record in; None prints the record to create.
    dns_zone_id: Optional[str] = None
    odoo: OdooSettings = OdooSettings()
    host: HostSettings = HostSettings()
    database: DatabaseSettings = DatabaseSettings()
    proxy: ProxySettings = ProxySettings()
    secrets: SecretsSettings = SecretsSettings()
    backup: BackupSettings = BackupSettings()
    logs: LogsSettings = LogsSettings()
    registry: RegistrySettings = RegistrySettings()
    cluster: ClusterSettings = ClusterSettings()
    alerts: AlertsSettings = AlertsSettings()

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: Optional[str]) -> Optional[str]:
        if value is None:
            return value
        if not HOSTNAME.match(value):
            raise ValueError("must be a DNS hostname such as erp.example.org (lower case, no scheme, no path)")
        if _is_ip(value):
            raise ValueError("must be a DNS name, not an IP address: certificates are issued for names; "
                             "point a name such as erp.example.org at the address")
        if "." not in value and value != "localhost":
            raise ValueError("must be a full DNS name with a dot, such as erp.example.org")
        return value

    @field_validator("acme_email")
    @classmethod
    def _email(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not EMAIL.match(value):
            raise ValueError("must be an e-mail address for the ACME account, e.g. ops@example.org")
        return value

    @field_validator("admin_cidrs")
    @classmethod
    def _cidrs(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        # Canonical spelling ("0.0.0.0/00" -> "0.0.0.0/0"), so no rule is bypassed by how a CIDR is written.
        return tuple(parse_admin_cidr(cidr) for cidr in value)


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
