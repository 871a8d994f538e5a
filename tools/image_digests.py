"""Compare components/images.py with what the registry serves for each pinned tag, today.

    python tools/image_digests.py                 # one line per image: pinned, current, OK/CHANGED
    python tools/image_digests.py --tag caddy=2.11.8-alpine   # the digest a new tag would pin

It asks Docker Hub's registry API (an anonymous pull token, then a HEAD of the tag's manifest,
accepting the multi-arch index types) for the `Docker-Content-Digest`: the same digest that
`crane digest caddy:2.11.7-alpine` or the header of `docker buildx imagetools inspect
caddy:2.11.7-alpine` shows. It changes nothing: copy a new pin into components/images.py by hand,
then run the tests (docs/proxy.md, "Images"). Standard library only.
"""
from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components import images  # noqa: E402

REGISTRY = "https://registry-1.docker.io"
AUTH = "https://auth.docker.io/token?service=registry.docker.io&scope=repository:{repository}:pull"
# An index (multi-arch) first: its digest is the one to pin, valid on amd64 and arm64 hosts alike.
ACCEPT = ", ".join(("application/vnd.oci.image.index.v1+json",
                    "application/vnd.docker.distribution.manifest.list.v2+json",
                    "application/vnd.oci.image.manifest.v1+json",
                    "application/vnd.docker.distribution.manifest.v2+json"))


def split(image: str) -> tuple[str, str, str]:
    """caddy:2.11.7-alpine@sha256:x -> ('library/caddy', '2.11.7-alpine', 'sha256:x')."""
    reference, _, digest = image.partition("@")
    name, _, tag = reference.rpartition(":")
    repository = name if "/" in name else f"library/{name}"
    return repository, tag, digest


def current_digest(repository: str, tag: str, registry: str = REGISTRY, auth: str = AUTH) -> str:
    with urllib.request.urlopen(auth.format(repository=repository), timeout=30) as answer:
        token = json.load(answer)["token"]
    request = urllib.request.Request(f"{registry}/v2/{repository}/manifests/{tag}", method="HEAD",
                                     headers={"Authorization": f"Bearer {token}", "Accept": ACCEPT})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.headers["Docker-Content-Digest"]


def report(pins: dict[str, str], tags: dict[str, str], registry: str = REGISTRY, auth: str = AUTH) -> list[str]:
    lines = []
    for name, image in sorted(pins.items()):
        repository, tag, pinned = split(image)
        tag = tags.get(name, tag)
        digest = current_digest(repository, tag, registry, auth)
        state = "OK" if digest == pinned else "CHANGED"
        lines.append(f"{name:9} {repository.removeprefix('library/')}:{tag}@{digest}  {state}")
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tag", action="append", default=[], metavar="NAME=TAG",
                        help="look up another tag for that image (caddy, nginx, certbot, postgres)")
    parser.add_argument("--registry", default=REGISTRY, help=argparse.SUPPRESS)
    parser.add_argument("--auth", default=AUTH, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    tags = dict(item.split("=", 1) for item in args.tag)
    lines = report(images.ALL, tags, args.registry, args.auth)
    print("\n".join(lines))
    return 0 if all(line.endswith(" OK") for line in lines) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
