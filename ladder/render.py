"""`ladder render`: every artifact the stack would deliver, written to a folder. No secret values.

What a user can inspect before `pulumi up`: the project's files, the bundle exactly as it is
uploaded (and its sha256, which names it in S3), the SSM document that applies it, the user-data.
"""
from __future__ import annotations

from pathlib import Path

from components.app.service import odoo_service
from components.credentials.credentials import parameter_path
from components.delivery.artifact import Artifact, pack
from components.delivery.artifact_bucket import UNIQUE_SUFFIX, bucket_prefix
from components.delivery.bundle import render_bundle
from components.delivery.local import LOCAL_DIR
from components.delivery.apply_script import render_apply_script
from components.delivery.ssm import host_apply_script, render_document
from components.host.cloud_init import render_user_data
from configs.load import LadderConfig

# The volume id is known only once AWS creates it; the rendered user-data shows where it goes.
VOLUME_PLACEHOLDER = "vol-0000000000000000"
SHA_FILE = "bundle.sha256"


def bucket_placeholder(stack: str) -> str:
    """As long as the name AWS will give the artifact bucket, so the document's size is the real one."""
    return bucket_prefix(stack) + "0" * UNIQUE_SUFFIX


def _delivery(folder: str, apply: str, artifact: Artifact) -> dict[str, str | bytes]:
    return {f"{folder}/apply.sh": apply, f"{folder}/bundle.tar": artifact.archive,
            # `sha256sum -c bundle.sha256` in the folder checks the bundle as the host does.
            f"{folder}/{SHA_FILE}": f"{artifact.sha256}  bundle.tar\n"}


def render_artifacts(cfg: LadderConfig) -> dict[str, str | bytes]:
    """Relative output path -> content: the compose project, and how it reaches the host."""
    bundle = render_bundle(cfg)
    files: dict[str, str | bytes] = {f"project/{path}": content for path, content in bundle.items()}
    service = odoo_service(cfg)
    if cfg.components.host:
        apply = host_apply_script(cfg.stack, bundle, service, cfg.region, parameter_path(cfg.stack))
        artifact = pack(apply, bundle)
        files.update(_delivery("host", apply, artifact))
        files["host/user-data.yaml"] = render_user_data(VOLUME_PLACEHOLDER)
        files["host/ssm-document.json"] = render_document(cfg.region, bucket_placeholder(cfg.stack), artifact.key,
                                                          artifact.sha256)
    else:
        apply = render_apply_script(cfg.stack, bundle, service, LOCAL_DIR.format(stack=cfg.stack), on_host=False)
        files.update(_delivery("local", apply, pack(apply, bundle)))
    return files


def write_artifacts(cfg: LadderConfig, out: Path) -> list[Path]:
    written = []
    for relative, content in sorted(render_artifacts(cfg).items()):
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        if relative.endswith(".sh"):
            path.chmod(0o755)
        written.append(path)
    return written
