"""The Odoo service, described once: compose (steps 0-6) and the ECS task (step 7) are mapped from it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from configs.load import LadderConfig

HTTP_PORT = 8069
BUS_PORT = 8072
DATA_DIR = "/var/lib/odoo"
CONFIG_PATH = "/etc/odoo/odoo.conf"
# Where image/Dockerfile puts the repository's addons/ (the official image's own extra-addons folder).
ADDONS_DIR = "/mnt/extra-addons"
# PostgreSQL major shared by the container (steps 0-4) and RDS (step 5): moving is a dump and restore
# within one major version.
POSTGRES_MAJOR = "16"
DB_USER = "odoo"

# The official image's odoo user; 18.0 moved to Ubuntu noble and changed the uid.
ODOO_UID_GID = {"17.0": (101, 101), "18.0": (100, 101), "19.0": (100, 101)}


@dataclass(frozen=True)
class OdooService:
    image: str
    workers: int
    max_cron_threads: int
    proxy_mode: bool
    db_host: str
    db_name: str
    version: str
    uid: int
    gid: int
    # AWS (every step): the store the host's writer reads, under this path. None: the local delivery
    # hands the values to the writer by environment.
    secret_store: Optional[str] = None
    secret_path: str = ""
    region: str = ""
    # Step 6: `image` is the stack's own build (image/ with the repository's addons/), pulled by digest
    # from its registry with the host's role; False: the official image.
    own_image: bool = False
    # The Docker Hub account that pulls `image` with the token in the store (registry.kind: dockerhub);
    # "": ECR, with the host's role.
    registry_user: str = ""
    # `odoo -u` these modules (or ("all",)) once per image, before Odoo restarts on it; () none.
    update_modules: tuple[str, ...] = ()
    healthcheck: tuple[str, ...] = ("CMD", "curl", "-fsS", f"http://localhost:{HTTP_PORT}/web/health")

    @property
    def ports(self) -> tuple[int, ...]:
        """With workers the websocket bus runs on its own port; threaded, everything is on 8069."""
        return (HTTP_PORT, BUS_PORT) if self.workers > 0 else (HTTP_PORT,)


def odoo_service(cfg: LadderConfig) -> OdooService:
    odoo = cfg.settings.odoo
    behind_proxy = cfg.components.proxy is not None
    workers = odoo.workers if odoo.workers is not None else (2 if behind_proxy else 0)
    uid, gid = ODOO_UID_GID[odoo.version]
    base_image = odoo.image or f"odoo:{odoo.version}"
    # Step 6: the digest deploy.yml pushed (registry.image); until the first deploy, the official image.
    own = cfg.settings.registry.image if cfg.components.registry else None
    # On AWS the credentials are in the store from Step 0 (SSM unless secrets.store says otherwise).
    store = (cfg.components.secrets or "ssm") if cfg.settings.target == "aws" else None
    return OdooService(
        # No image is built on the host: the official one, or at Step 6 the one CI built and pushed.
        image=own or base_image,
        own_image=own is not None,
        registry_user=(cfg.settings.registry.username or "") if cfg.settings.registry.kind == "dockerhub" else "",
        update_modules=odoo.update_modules or (),
        workers=workers,
        max_cron_threads=1,
        proxy_mode=behind_proxy,
        db_host="db",
        db_name=odoo.db_name,
        version=odoo.version,
        uid=uid,
        gid=gid,
        secret_store=store,
        secret_path=f"/odoo-ladder/{cfg.stack}" if store else "",
        region=cfg.region if store else "",
    )

