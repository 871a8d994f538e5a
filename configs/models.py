"""The validated stack config: one sub-model per component, every field named as in the stack file.

Every model is frozen and forbids unknown keys, so a typo in `Pulumi.<stack>.yaml` is an error that
names the key instead of a setting that is silently ignored.
"""
from __future__ import annotations

import ipaddress
import re
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
DB_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
TIME_OF_DAY = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")

OdooVersion = Literal["17.0", "18.0", "19.0"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OdooSettings(Model):
    version: OdooVersion = "18.0"
    # None: the step decides (0 at Step 0, 2 behind a proxy so the bus runs on 8072).
    workers: Optional[int] = Field(default=None, ge=0, le=64)
    db_name: str = "odoo"
    # Pin the image (a tag or a digest) to upgrade on purpose; None follows the version's tag.
    image: Optional[str] = None

    @field_validator("db_name")
    @classmethod
    def _db_name(cls, value: str) -> str:
        if not DB_NAME.match(value):
            raise ValueError("must start with a letter and hold only a-z, 0-9 and _ (at most 63)")
        return value


class HostSettings(Model):
    instance_type: str = "t3.medium"
    root_volume_gb: int = Field(default=20, ge=8, le=1024)
    data_volume_gb: int = Field(default=30, ge=10, le=16384)
    # Pin an AMI id to choose when the host is rebuilt; None takes the newest Ubuntu 24.04 once
    # and then ignores newer ones, so a new AMI never replaces the host on its own.
    ami: Optional[str] = None

    @field_validator("ami")
    @classmethod
    def _ami(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not re.match(r"^ami-[0-9a-f]{8,17}$", value):
            raise ValueError("must be an AMI id like ami-0123456789abcdef0")
        return value


class DatabaseSettings(Model):
    kind: Optional[Literal["container", "rds"]] = None


class ProxySettings(Model):
    enabled: Optional[bool] = None
    kind: Optional[Literal["caddy", "nginx"]] = None
    # The ACME directory; None is Let's Encrypt production. Staging or a test CA goes here.
    acme_ca: Optional[str] = None


class SecretsSettings(Model):
    enabled: Optional[bool] = None
    store: Literal["ssm", "secretsmanager"] = "ssm"


class BackupSettings(Model):
    enabled: Optional[bool] = None
    time: str = "03:15"
    keep_days: int = Field(default=30, ge=1, le=3650)
    # Move sets older than this to S3 Standard-IA (30 days at least); None keeps them in Standard.
    cold_after_days: Optional[int] = Field(default=None, ge=30, le=3650)
    # S3 Object Lock mode of the sets' default retention (keep_days): governance lets a principal with
    # s3:BypassGovernanceRetention remove a set early; compliance lets no one, not even the account root.
    lock_mode: Literal["governance", "compliance"] = "governance"

    @field_validator("time")
    @classmethod
    def _time(cls, value: str) -> str:
        if not TIME_OF_DAY.match(value):
            raise ValueError("must be a time of day as HH:MM (UTC), e.g. 03:15")
        return value


class LogsSettings(Model):
    enabled: Optional[bool] = None
    cloudwatch: bool = False


class Toggle(Model):
    enabled: Optional[bool] = None


class ClusterSettings(Model):
    enabled: Optional[bool] = None
    desired_count: int = Field(default=2, ge=2, le=20)


class StackSettings(Model):
    """Everything under the `odoo-ladder:` namespace of a stack file."""

    target: Literal["local", "aws"] = "local"
    step: int = Field(default=0, ge=0, le=7)
    domain: Optional[str] = None
    acme_email: Optional[str] = None
    admin_cidrs: tuple[str, ...] = ()
    # Opening 8069 to the whole internet must be a decision, not an accident.
    allow_world_admin: bool = False
    # A Route53 hosted zone to create the domain's record in; None prints the record to create.
    dns_zone_id: Optional[str] = None
    odoo: OdooSettings = OdooSettings()
    host: HostSettings = HostSettings()
    database: DatabaseSettings = DatabaseSettings()
    proxy: ProxySettings = ProxySettings()
    secrets: SecretsSettings = SecretsSettings()
    backup: BackupSettings = BackupSettings()
    logs: LogsSettings = LogsSettings()
    registry: Toggle = Toggle()
    cluster: ClusterSettings = ClusterSettings()

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not HOSTNAME.match(value):
            raise ValueError("must be a DNS hostname such as erp.example.org (lower case, no scheme, no path)")
        return value

    @field_validator("acme_email")
    @classmethod
    def _email(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
            raise ValueError("must be an e-mail address for the ACME account, e.g. ops@example.org")
        return value

    @field_validator("admin_cidrs")
    @classmethod
    def _cidrs(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for cidr in value:
            if "/" not in cidr:
                raise ValueError(f"{cidr!r} is not a CIDR: add the prefix length, e.g. {cidr}/32")
            try:
                ipaddress.ip_network(cidr, strict=True)
            except ValueError as err:
                raise ValueError(f"{cidr!r} is not a CIDR such as 203.0.113.7/32 ({err})") from None
        return value
