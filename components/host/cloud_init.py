"""The host's user-data: Docker, the compose plugin and the data volume. No secret ever goes here."""
from __future__ import annotations

from pathlib import Path

import yaml

from components.app.compose import HOST_DATA_DIR

SCRIPTS = Path(__file__).parent / "scripts"
PREPARE_SCRIPT = (SCRIPTS / "prepare-data-volume.sh").read_text()
BLOCK_IMDS_SCRIPT = (SCRIPTS / "block-container-imds.sh").read_text()
BLOCK_IMDS_PATH = "/usr/local/sbin/block-container-imds"
# Before dockerd starts, so the drop exists before any container (restart policies start them
# with the daemon); after it started, in case the chain was rebuilt. A failure keeps Docker down:
# no containers rather than containers that hold the instance role.
BLOCK_IMDS_DROP_IN = f"[Service]\nExecStartPre={BLOCK_IMDS_PATH}\nExecStartPost={BLOCK_IMDS_PATH}\n"
DATA_DEVICE = "/dev/sdf"
# zstd: odoo-backup compresses the dump on the host (pg_dump -Z0 in the container, zstd outside).
PACKAGES = ["docker.io", "docker-compose-v2", "python3-boto3", "zstd"]


def data_volume_candidates(volume_id: str) -> list[str]:
    """Nitro instances show EBS volumes as NVMe devices named after the volume id; Xen ones as xvdf."""
    return [f"/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_{volume_id.replace('-', '')}",
            "/dev/xvdf", DATA_DEVICE]


def render_user_data(volume_id: str) -> str:
    document = {
        "package_update": True,
        "packages": PACKAGES,
        "write_files": [
            {"path": "/usr/local/sbin/prepare-data-volume", "permissions": "0755", "owner": "root:root",
             "content": PREPARE_SCRIPT},
            # Docker starts only once the data volume is mounted, so no container writes to the root disk.
            {"path": "/etc/systemd/system/docker.service.d/odoo-data.conf", "permissions": "0644",
             "content": f"[Unit]\nRequiresMountsFor={HOST_DATA_DIR}\n"},
            # Containers cannot reach the instance metadata service (and so the instance role).
            {"path": BLOCK_IMDS_PATH, "permissions": "0755", "owner": "root:root", "content": BLOCK_IMDS_SCRIPT},
            {"path": "/etc/systemd/system/docker.service.d/block-imds.conf", "permissions": "0644",
             "content": BLOCK_IMDS_DROP_IN},
        ],
        "runcmd": [
            ["/usr/local/sbin/prepare-data-volume", HOST_DATA_DIR, *data_volume_candidates(volume_id)],
            ["systemctl", "daemon-reload"],
            ["systemctl", "enable", "--now", "docker"],
            # Idempotent: a no-op when the drop-in already ran at Docker's start.
            [BLOCK_IMDS_PATH],
        ],
    }
    return "#cloud-config\n" + yaml.safe_dump(document, sort_keys=False)
