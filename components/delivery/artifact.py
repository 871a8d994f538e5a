"""The delivered artifact: the apply script and every project file in one tar, named by its sha256.

A plain tar (not gzip): its bytes depend only on the files, not on the zlib of the machine that runs
Pulumi, so a laptop and CI address the same bundle with the same key and do not re-deliver for
nothing. The bundle is text of a few hundred KB at most; S3 does not mind.
"""
from __future__ import annotations

import hashlib
import io
import tarfile
from dataclasses import dataclass

APPLY_SCRIPT = "apply.sh"
# The project's files sit under this folder of the archive; the apply script installs them from there.
PROJECT = "project"
KEY_PREFIX = "bundles/"


@dataclass(frozen=True)
class Artifact:
    archive: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.archive).hexdigest()

    @property
    def key(self) -> str:
        """Content-addressed: a changed file is a new key, so a new document, so the host applies again."""
        return f"{KEY_PREFIX}{self.sha256}.tar"


def _member(name: str, data: bytes, mode: int) -> tarfile.TarInfo:
    # Fixed owner, time and mode: the same files always give the same bytes.
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, 0
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def pack(apply_script: str, files: dict[str, str]) -> Artifact:
    """files: relative path in the project directory -> content."""
    entries = {APPLY_SCRIPT: (apply_script, 0o700)}
    entries.update({f"{PROJECT}/{path}": (content, 0o600) for path, content in files.items()})
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(entries):
            content, mode = entries[name]
            data = content.encode()
            tar.addfile(_member(name, data, mode), io.BytesIO(data))
    return Artifact(buffer.getvalue())


def unpack(archive: bytes) -> dict[str, str]:
    """Archive member -> text: how a test or a reader sees what was delivered."""
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:") as tar:
        return {m.name: tar.extractfile(m).read().decode() for m in tar.getmembers() if m.isfile()}
