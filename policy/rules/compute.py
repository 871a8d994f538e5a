"""The EC2 host: the instance metadata service (IMDS)."""
from __future__ import annotations

from .model import Resource, Rule, known
from .values import number

INSTANCE = "aws:ec2/instance:Instance"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"


def imds_problems(resource: Resource) -> list[str]:
    """IMDSv2 (a session token) stops SSRF-style reads of the role's credentials; hop limit 1 stops a
    container (one more network hop) from reaching them at all: the role is the host's, not the
    containers'. The program shipped hop limit 2 before (fixed by the `hardening` branch)."""
    options = resource.get("metadataOptions") or {}
    tokens, hops = options.get("httpTokens"), options.get("httpPutResponseHopLimit")
    problems = []
    if known(tokens) and tokens != "required":
        problems.append(f"metadataOptions.httpTokens is {tokens!r}, not 'required' (IMDSv2)")
    if known(hops):
        if number(hops) is None:
            problems.append("metadataOptions.httpPutResponseHopLimit is not set (AWS's default may let containers reach IMDS)")
        elif number(hops) != 1:
            problems.append(f"metadataOptions.httpPutResponseHopLimit is {number(hops):g}: "
                            "a container can reach the host role's credentials")
    return problems


RULES = [
    Rule(name="imds-v2-hop-limit-1",
         description="set metadata_options http_tokens='required' and http_put_response_hop_limit=1 on every "
                     "instance and launch template, so only the host, not a container, reaches the role's credentials",
         types=frozenset({INSTANCE, LAUNCH_TEMPLATE}), check=imds_problems),
]
