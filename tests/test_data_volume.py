"""The data volume script formats a blank disk once and never touches one that holds a filesystem.

It runs unchanged against a file-backed loop device, inside a private mount namespace.
"""
import subprocess
from pathlib import Path

import pytest

from tests.tools import require_root, require_tool

SCRIPT = Path(__file__).resolve().parent.parent / "components" / "host" / "scripts" / "prepare-data-volume.sh"


@pytest.fixture
def disk(tmp_path):
    require_root()
    losetup = require_tool("losetup")
    for tool in ("unshare", "mkfs.ext4", "blkid", "mountpoint"):
        require_tool(tool)
    image = tmp_path / "disk.img"
    with open(image, "wb") as handle:
        handle.truncate(64 * 1024 * 1024)
    attached = subprocess.run([losetup, "--find", "--show", str(image)], capture_output=True, text=True)
    if attached.returncode != 0:
        pytest.fail(f"losetup could not attach a loop device: {attached.stderr}")
    device = attached.stdout.strip()
    yield device
    subprocess.run([losetup, "--detach", device], check=False)


def in_private_mounts(tmp_path: Path, script: str) -> subprocess.CompletedProcess:
    """Mounts made here vanish with the namespace; the host's mount table is never touched."""
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "bash", "-euc", script],
                          capture_output=True, text=True, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
                                                               "FSTAB": str(tmp_path / "fstab"),
                                                               "WAIT_SECONDS": "3"})


def prepare(mountpoint: Path, *devices: str) -> str:
    return f"{SCRIPT} {mountpoint} {' '.join(devices)}"


def test_blank_disk_is_formatted_mounted_and_kept_on_the_next_run(disk, tmp_path):
    mnt = tmp_path / "data"
    (tmp_path / "fstab").write_text("")
    first = in_private_mounts(tmp_path, f"{prepare(mnt, '/dev/does-not-exist', disk)}\n"
                                        f"echo precious > {mnt}/marker\numount {mnt}")
    assert first.returncode == 0, first.stderr
    assert "is blank; creating an ext4 filesystem" in first.stdout
    uuid = subprocess.run(["blkid", "-s", "UUID", "-o", "value", disk], capture_output=True, text=True).stdout.strip()

    second = in_private_mounts(tmp_path, f"{prepare(mnt, disk)}\ncat {mnt}/marker\numount {mnt}")
    assert second.returncode == 0, second.stderr
    assert "already holds a filesystem; keeping it" in second.stdout
    assert "precious" in second.stdout
    after = subprocess.run(["blkid", "-s", "UUID", "-o", "value", disk], capture_output=True, text=True).stdout.strip()
    assert after == uuid
    fstab = (tmp_path / "fstab").read_text().splitlines()
    assert fstab == [f"UUID={uuid} {mnt} ext4 defaults,nofail,x-systemd.device-timeout=30s 0 2"]


def test_an_existing_filesystem_with_data_is_never_reformatted(disk, tmp_path):
    subprocess.run(["mkfs.ext4", "-q", "-L", "someone-else", disk], check=True)
    seed = in_private_mounts(tmp_path, f"mkdir -p {tmp_path}/seed\nmount {disk} {tmp_path}/seed\n"
                                       f"head -c 1048576 /dev/urandom > {tmp_path}/seed/blob\n"
                                       f"sha256sum {tmp_path}/seed/blob | cut -d' ' -f1\numount {tmp_path}/seed")
    digest = seed.stdout.strip()
    (tmp_path / "fstab").write_text("")
    mnt = tmp_path / "data"
    result = in_private_mounts(tmp_path, f"{prepare(mnt, disk)}\nsha256sum {mnt}/blob | cut -d' ' -f1\numount {mnt}")
    assert result.returncode == 0, result.stderr
    assert "keeping it" in result.stdout
    assert digest and digest in result.stdout
    label = subprocess.run(["blkid", "-s", "LABEL", "-o", "value", disk], capture_output=True, text=True).stdout
    assert label.strip() == "someone-else"


def test_a_missing_device_fails_clearly_and_formats_nothing(tmp_path):
    require_tool("unshare")
    (tmp_path / "fstab").write_text("")
    result = in_private_mounts(tmp_path, prepare(tmp_path / "data", "/dev/odoo-ladder-missing"))
    assert result.returncode == 1
    assert "is the data volume attached?" in result.stderr
    assert (tmp_path / "fstab").read_text() == ""
