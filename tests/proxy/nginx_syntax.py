"""`nginx -t` on the rendered nginx files, inside `unshare --net --mount --fork` (root).

The files are mounted where the compose service mounts them (as in netns_lab.py). For the
TLS phase a self-signed certificate stands at the rendered live path, because nginx -t
loads the certificate files; the TLS server is enabled the way start.sh enables it.
Prints one JSON line: {"returncode": ..., "output": ...}.
"""
import argparse
import json
import os
import subprocess
from pathlib import Path

from components.proxy.nginx import nginx_paths
from tests.proxy.netns_lab import Lab


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phase", choices=["http", "tls"], required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--domain", default="erp.example.com")
    args = parser.parse_args()
    lab = Lab("nginx", args.workdir, args.domain)
    lab.setup_network()
    lab.setup_mounts()
    paths = nginx_paths(lab.site)
    os.makedirs(paths.enabled_dir, exist_ok=True)
    if args.phase == "tls":
        os.makedirs(paths.live_dir)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-subj", f"/CN={args.domain}", "-days", "1",
             "-keyout", f"{paths.live_dir}/privkey.pem", "-out", f"{paths.live_dir}/fullchain.pem"],
            check=True, capture_output=True,
        )
        os.symlink(paths.tls_conf, f"{paths.enabled_dir}/tls.conf")
    # -T: test, then dump the configuration nginx loaded (shows which phase is active).
    done = subprocess.run(["nginx", "-T"], capture_output=True, text=True)
    print(json.dumps({"returncode": done.returncode, "output": done.stdout + done.stderr}))


if __name__ == "__main__":
    main()
