"""The host's user-data: Docker, the compose plugin and the data volume. No secret ever goes here."""
from __future__ import annotations

from pathlib import Path

import yaml

from components.app.compose import HOST_DATA_DIR

PREPARE_SCRIPT = (Path(__file__).parent / "scripts" / "prepare-data-volume.sh").read_text()
DATA_DEVICE = "/dev/sdf"
PACKAGES = ["docker.io", "docker-compose-v2", "python3-boto3"]


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
        ],
        "runcmd": [
            ["/usr/local/sbin/prepare-data-volume", HOST_DATA_DIR, *data_volume_candidates(volume_id)],
            ["systemctl", "daemon-reload"],
            ["systemctl", "enable", "--now", "docker"],
        ],
    }
    return "#cloud-config\n" + yaml.safe_dump(document, sort_keys=False)
