"""The proxy's named volumes as the AWS host prepares them: the data-volume lines of the rendered
apply script (components/delivery/apply_script.py), run by bash as they are on the host, over a
tmpfs mounted at the host's data directory inside the lab's mount namespace.

So the lab's nginx workers meet the modes and owners the host gives the folders, not whatever a
test's `mkdir` would have made.
"""
import subprocess
from pathlib import Path

from components.app.compose import HOST_DATA_DIR
from components.app.service import odoo_service
from components.delivery.apply_script import render_apply_script
from components.delivery.bundle import render_bundle
from configs.load import from_mapping
from tests.stacks import aws

BEGIN, END = "# data volumes: begin", "# data volumes: end"
STEP_OF = {"caddy": 1, "nginx": 2, "traefik": 1}


def data_volume_lines(kind: str) -> str:
    """The lines between the markers of the apply script of an AWS stack with this proxy."""
    cfg = from_mapping("lab", aws(STEP_OF[kind], proxy={"kind": kind}))
    script = render_apply_script("lab", render_bundle(cfg), odoo_service(cfg), "/srv/odoo-ladder", on_host=True)
    start, end = script.index(BEGIN), script.index(END)
    return script[start:end + len(END)] + "\n"


def prepare(kind: str) -> dict[str, Path]:
    """Mount a tmpfs at the data directory (the script refuses to write unless it is a mount point),
    run the script's lines, and return each prepared volume's folder by name. Namespace only."""
    data_dir = Path(HOST_DATA_DIR)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", str(data_dir.parent)], check=True)
    data_dir.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", str(data_dir)], check=True)
    subprocess.run(["bash", "-euo", "pipefail", "-c", data_volume_lines(kind)], check=True)
    return {path.name: path for path in data_dir.iterdir()}
