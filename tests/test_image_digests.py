"""tools/image_digests.py against a stand-in registry on 127.0.0.1 (a stand-in for Docker Hub's
token and manifest endpoints, not the real registry)."""
import http.server
import subprocess
import sys
import threading

import pytest

from components import images
from tests.stacks import ROOT

TOOL = ROOT / "tools" / "image_digests.py"
NEWER = "sha256:" + "ab" * 32


class StandinRegistry(http.server.BaseHTTPRequestHandler):
    seen: list = []

    def do_GET(self):  # the token endpoint
        body = b'{"token": "standin-token"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self):  # /v2/<repository>/manifests/<tag>
        StandinRegistry.seen.append((self.path, self.headers["Authorization"], self.headers["Accept"]))
        repository, tag = self.path.removeprefix("/v2/").split("/manifests/")
        pinned = {f"{image.partition('@')[0]}": image.partition("@")[2] for image in images.ALL.values()}
        name = repository.removeprefix("library/")
        digest = pinned.get(f"{name}:{tag}", NEWER)
        self.send_response(200)
        self.send_header("Docker-Content-Digest", digest)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def registry():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StandinRegistry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    StandinRegistry.seen = []
    base = f"http://127.0.0.1:{server.server_address[1]}"
    yield ["--registry", base, "--auth", base + "/token?scope=repository:{repository}:pull"]
    server.shutdown()
    server.server_close()


def run(*args):
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True, timeout=60)


def test_pins_that_match_the_registry_are_ok(registry):
    done = run(*registry)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(done.stdout.splitlines()) == len(images.ALL)
    assert all(line.endswith(" OK") for line in done.stdout.splitlines())
    path, authorization, accept = StandinRegistry.seen[0]
    assert authorization == "Bearer standin-token"
    assert accept.startswith("application/vnd.oci.image.index.v1+json")  # the multi-arch digest
    assert any(p == "/v2/certbot/certbot/manifests/v5.8.0" for p, _, _ in StandinRegistry.seen)


def test_a_new_tag_shows_the_digest_to_pin_and_fails(registry):
    done = run(*registry, "--tag", "caddy=2.11.8-alpine")
    assert done.returncode == 1
    assert f"caddy     caddy:2.11.8-alpine@{NEWER}  CHANGED" in done.stdout.splitlines()
