"""A pinned Odoo image reference, `name:tag` or `name:tag@sha256:<digest>`, split and checked.

A digest is how a careful user pins exactly what runs, so it is accepted. The tag stays required:
the Odoo version (and with it the filestore owner's uid) is read from `odoo.version`, and the tag
must name that same major version so the two cannot disagree.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

# Docker's reference grammar (distribution/reference), lower-case path components.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REGISTRY = r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9-]+)*(?::[0-9]+)?/)"
NAME = re.compile(rf"^{_REGISTRY}?{_COMPONENT}(?:/{_COMPONENT})*$")
TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
OFFICIAL = ("odoo", "library/odoo", "docker.io/library/odoo")


@dataclass(frozen=True)
class ImageRef:
    name: str
    tag: str
    digest: Optional[str]

    @property
    def official(self) -> bool:
        return self.name in OFFICIAL

    def major(self) -> Optional[str]:
        """18 for 18.0, 18, 18.0-20250101; None when the tag names no version (latest, v3)."""
        found = re.match(r"^([0-9]+)(?:$|[.-])", self.tag)
        return found.group(1) if found else None


def parse_image(reference: str) -> ImageRef:
    """The parts of a reference, or ValueError with the shape to write."""
    shape = "write it as odoo:<tag> or odoo:<tag>@sha256:<digest>, e.g. odoo:18.0-20250101"
    rest, _, digest = reference.partition("@")
    if digest and not DIGEST.match(digest):
        raise ValueError(f"the digest must be sha256: and 64 hex digits; {shape}")
    name, sep, tag = rest.rpartition(":")
    if not sep or "/" in tag:
        raise ValueError(f"needs a tag that names the Odoo version (the uid of the filestore depends on it); {shape}")
    if not NAME.match(name):
        raise ValueError(f"{name!r} is not an image name (lower case, no spaces); {shape}")
    if not TAG.match(tag):
        raise ValueError(f"{tag!r} is not an image tag (letters, digits, . _ -); {shape}")
    return ImageRef(name=name, tag=tag, digest=digest or None)
