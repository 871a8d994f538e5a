"""What a stack delivers to its Docker host, as `ladder diff`'s summary reads it.

The one place that knows where the compose file and odoo.conf come from: `ladder render`'s
artifacts, rendered from the config alone. How the bundle travels (inline in the SSM document, an
S3 object, the local command) does not change its content, so the summary does not care.
"""
from __future__ import annotations

import configparser
from dataclasses import dataclass

import yaml

from configs.load import LadderConfig
from ladder.render import render_artifacts

COMPOSE = "project/docker-compose.yml"
ODOO_CONF = "project/odoo.conf.base"


@dataclass(frozen=True)
class Delivered:
    services: dict[str, dict]     # the compose file's services
    odoo: dict[str, str]          # odoo.conf's [options], without secrets


def delivered(cfg: LadderConfig) -> Delivered:
    artifacts = render_artifacts(cfg)
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(artifacts[ODOO_CONF])
    return Delivered(yaml.safe_load(artifacts[COMPOSE]).get("services", {}), dict(parser["options"]))
