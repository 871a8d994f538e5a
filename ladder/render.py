"""`ladder render`: every artifact the stack would deliver, written to a folder. No secret values."""
from __future__ import annotations

from pathlib import Path

from components.app.bundle import render_bundle
from components.app.service import odoo_service
from components.delivery.apply_script import render_apply_script
from components.delivery.local import LOCAL_DIR
from components.delivery.ssm import HOST_PROJECT_DIR, render_document
from components.host.cloud_init import render_user_data
from configs.load import LadderConfig

# The volume id is known only once AWS creates it; the rendered user-data shows where it goes.
VOLUME_PLACEHOLDER = "vol-0000000000000000"


def render_artifacts(cfg: LadderConfig) -> dict[str, str]:
    """Relative output path -> content: the compose project, and how it reaches the host."""
    bundle = render_bundle(cfg)
    files = {f"project/{path}": content for path, content in bundle.items()}
    service = odoo_service(cfg)
    if cfg.components.host:
        apply = render_apply_script(cfg.stack, bundle, service, HOST_PROJECT_DIR, on_host=True)
        files["host/user-data.yaml"] = render_user_data(VOLUME_PLACEHOLDER)
        files["host/apply.sh"] = apply
        files["host/ssm-document.json"] = render_document(apply)
    else:
        files["local/apply.sh"] = render_apply_script(cfg.stack, bundle, service,
                                                      LOCAL_DIR.format(stack=cfg.stack), on_host=False)
    return files


def write_artifacts(cfg: LadderConfig, out: Path) -> list[Path]:
    written = []
    for relative, content in sorted(render_artifacts(cfg).items()):
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
        if relative.endswith(".sh"):
            path.chmod(0o755)
        written.append(path)
    return written
