"""Step 6's outcome checks on the stack's ECR repository (boto3 ECR client in, CheckResult out):
the repository scans on push and keeps tags immutable, the digest the stack runs is the newest
one the deploy pushed, and that image's scan has no CRITICAL finding (or lists them)."""
from __future__ import annotations

from typing import Callable, Optional

from ladder.checks.result import CheckResult

DEPLOY_TAG_PREFIX = "sha-"  # what deploy.yml tags each build with
LISTED = 10


def check_repository(ecr, name: str) -> CheckResult:
    title = f"repository {name} scans on push and keeps tags immutable"
    try:
        (repository,) = ecr.describe_repositories(repositoryNames=[name])["repositories"]
    except ecr.exceptions.RepositoryNotFoundException:
        return CheckResult(title, False, "no such repository: has `pulumi up` run with registry.enabled?")
    problems = []
    if not repository.get("imageScanningConfiguration", {}).get("scanOnPush"):
        problems.append("scan on push is off")
    if repository.get("imageTagMutability") not in ("IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"):
        problems.append(f"tags are {repository.get('imageTagMutability')}")
    if repository.get("encryptionConfiguration", {}).get("encryptionType") != "KMS":
        problems.append("not encrypted with the stack's KMS key")
    return CheckResult(title, not problems, "; ".join(problems) or "scan on push, immutable tags, KMS")


def newest_deployed(ecr, name: str) -> Optional[dict]:
    """The image the deploy pushed last: the newest carrying a `sha-<commit>` tag."""
    images = [image for page in ecr.get_paginator("describe_images").paginate(repositoryName=name)
              for image in page["imageDetails"]
              if any(t.startswith(DEPLOY_TAG_PREFIX) for t in image.get("imageTags", []))]
    return max(images, key=lambda i: i["imagePushedAt"], default=None)


def check_running_is_newest(ecr, name: str, running: Optional[str]) -> CheckResult:
    title = "the running image is the newest the deploy pushed"
    newest = newest_deployed(ecr, name)
    if newest is None:
        return CheckResult(title, False, f"no {DEPLOY_TAG_PREFIX}* image in {name}: has deploy.yml run?")
    if running is None:
        return CheckResult(title, False, "the stack names no image (odoo-ladder:registry.image)")
    digest = running.rsplit("@", 1)[-1]
    tags = ", ".join(newest.get("imageTags", []))
    if digest == newest["imageDigest"]:
        return CheckResult(title, True, f"{digest[:19]}… ({tags})")
    return CheckResult(title, False, f"runs {digest[:19]}…, the newest is {newest['imageDigest'][:19]}… ({tags}): "
                                     "did the last `pulumi up` of deploy.yml fail?")


def scan_verdict(response: dict) -> tuple[bool, str]:
    """From DescribeImageScanFindings: no CRITICAL finding passes; otherwise the findings, named."""
    status = response.get("imageScanStatus", {}).get("status")
    if status != "COMPLETE":
        return False, f"the scan is {status}: {response.get('imageScanStatus', {}).get('description', '')}"
    findings = response.get("imageScanFindings", {})
    counts = findings.get("findingSeverityCounts", {})
    critical = [f["name"] for f in findings.get("findings", []) if f.get("severity") == "CRITICAL"]
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no findings"
    if not counts.get("CRITICAL"):
        return True, summary
    more = f" and {len(critical) - LISTED} more" if len(critical) > LISTED else ""
    return False, f"{summary}: {', '.join(critical[:LISTED])}{more}"


def check_scan(ecr, name: str, running: Optional[str]) -> CheckResult:
    title = "the running image's scan has no CRITICAL finding"
    if running is None:
        return CheckResult(title, False, "the stack names no image (odoo-ladder:registry.image)")
    image = {"imageDigest": running.rsplit("@", 1)[-1]}
    try:
        ok, detail = scan_verdict(ecr.describe_image_scan_findings(repositoryName=name, imageId=image))
    except (ecr.exceptions.ScanNotFoundException, ecr.exceptions.ImageNotFoundException) as err:
        return CheckResult(title, False, f"no scan for that image ({err.response['Error']['Code']})")
    return CheckResult(title, ok, detail)


def running_on_host(run_on_host: Callable[[str], str], project: str) -> Optional[str]:
    """The image reference the host's Odoo container was created from (compose names it by digest)."""
    output = run_on_host(f"docker ps --filter label=com.docker.compose.project={project} "
                         "--filter label=com.docker.compose.service=odoo --format '{{.Image}}'")
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[0] if lines else None


def check_host_runs(running: Optional[str], named: Optional[str]) -> CheckResult:
    """What the host's Docker runs against what the stack names (registry.image)."""
    title = "the host runs the image the stack names"
    if running is None:
        return CheckResult(title, False, "no running odoo container found on the host")
    if named is None:
        return CheckResult(title, False, f"the stack names no image (odoo-ladder:registry.image); the host runs {running}")
    if running != named:
        return CheckResult(title, False, f"the host runs {running}, the stack names {named}: did the last rollout "
                                         "fail? (its SSM association says why)")
    return CheckResult(title, True, running.rsplit("@", 1)[-1][:19] + "…")
