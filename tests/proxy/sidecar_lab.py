"""The step-7 sidecar lab: runs inside `unshare --net --mount --fork`, as root.

A private network where 10.42.0.10 (inside the VPC CIDR) plays an ALB node and 203.0.113.9 a host on
the internet; the Odoo-faithful stand-in listens on 127.0.0.1:8069/8072 as Odoo does in the task; the
sidecar runs as its task definition says (its rendered command on the config file the task's config
writer leaves in its volume; Caddy's image variables point at fresh folders), with the capabilities
its compose twin gets. Prints one JSON line (READY) and keeps everything up until its stdin closes.
"""
import argparse
import os
import sys
from pathlib import Path

from components.network.network import VPC_CIDR
from components.proxy.sidecar import SIDECAR_PORT, render_sidecar, sidecar_site
from tests.proxy.netns_lab import Lab, as_its_container, run, serve, wait_for_port

ALB_NODE_IP = "10.42.0.10"
INTERNET_IP = "203.0.113.9"
SIDECAR_IP = "10.42.1.20"  # the task's ENI
DOMAIN = "erp.example.com"


class SidecarLab(Lab):
    def __init__(self, kind: str, workdir: Path) -> None:  # noqa: super().__init__ renders the host proxies
        self.kind = kind
        self.workdir = workdir
        self.logs = workdir / "logs"
        self.processes = []
        self.config_dir = workdir / "proxy-config"  # the task's config volume
        self.sidecar = render_sidecar(sidecar_site(DOMAIN, "18.0"), str(self.config_dir), kind)

    def setup_network(self) -> None:
        run("ip", "link", "set", "lo", "up")
        # On lo: this kernel has no dummy links, and a local address is all a source bind needs.
        for address in (f"{ALB_NODE_IP}/16", f"{SIDECAR_IP}/32", f"{INTERNET_IP}/24"):
            run("ip", "addr", "add", address, "dev", "lo")

    def up(self) -> dict:
        self.logs.mkdir(parents=True, exist_ok=True)
        assert VPC_CIDR == "10.42.0.0/16", "the lab's addresses assume the VPC's CIDR"
        self.setup_network()
        self.start("odoo", [sys.executable, "-m", "tests.proxy.odoo_faithful", "--host", "127.0.0.1"])
        wait_for_port("127.0.0.1", 8069)
        wait_for_port("127.0.0.1", 8072)
        # What the task's config writer leaves in the volume.
        self.config_dir.mkdir()
        (self.config_dir / self.sidecar.config_name).write_text(self.sidecar.config)
        env = dict(os.environ)
        if self.kind == "caddy":  # the caddy image's variables, on folders of this lab
            env.update(XDG_CONFIG_HOME=str(self.workdir / "config"), XDG_DATA_HOME=str(self.workdir / "data"))
            for folder in ("config", "data"):
                (self.workdir / folder).mkdir()
        else:  # nginx writes its pid under /var/run: this namespace's own
            run("mount", "-t", "tmpfs", "tmpfs", "/run")
        self.start("sidecar", as_its_container(self.kind, list(self.sidecar.command)), env)
        wait_for_port(SIDECAR_IP, SIDECAR_PORT)
        return {"pid": os.getpid(), "workdir": str(self.workdir), "domain": DOMAIN, "alb_node_ip": ALB_NODE_IP,
                "internet_ip": INTERNET_IP, "sidecar": f"{SIDECAR_IP}:{SIDECAR_PORT}"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=["caddy", "nginx"], required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    args = parser.parse_args()
    serve(SidecarLab(args.kind, args.workdir))


if __name__ == "__main__":
    main()
