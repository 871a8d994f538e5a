"""Security groups: nothing but HTTP/HTTPS is open to the whole internet.

"The whole internet" is any set of ranges whose union is 0.0.0.0/0 or ::/0: two /1s are the world
as much as one /0 is, so the union is computed (ipaddress.collapse_addresses), per protocol and port,
over a group's inline rules and the separate rule resources that target it.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Iterable

from .model import Resource, Rule, Stack, known
from .values import as_list, number

GROUP = "aws:ec2/securityGroup:SecurityGroup"
GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"

# The edge (the host's proxy, later the ALB) answers these for everyone; nothing else is public.
# HTTP/3 (QUIC) is UDP 443: Caddy and Traefik offer it, and the firewall opens it with them.
EDGE_PORTS = {("tcp", 80), ("tcp", 443), ("udp", 443)}
WORLD = {4: ipaddress.ip_network("0.0.0.0/0"), 6: ipaddress.ip_network("::/0")}
ALL_PORTS = (0, 65535)
PROTOCOL_NAMES = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": "-1"}


@dataclass(frozen=True)
class Ingress:
    protocol: str            # tcp, udp, icmp, ... or -1 (every protocol)
    ports: tuple[int, int]
    networks: tuple          # ip_network objects


def _networks(values: Iterable) -> tuple:
    found = []
    for value in values:
        if isinstance(value, str) and known(value):
            try:
                found.append(ipaddress.ip_network(value, strict=False))
            except ValueError:
                pass  # AWS refuses it; the shape check (aws-limits) is not this rule's business
    return tuple(found)


def _ingress(protocol, from_port, to_port, cidrs: Iterable) -> Ingress:
    protocol = str(protocol if known(protocol) and protocol is not None else "-1").lower()
    protocol = PROTOCOL_NAMES.get(protocol, protocol)
    low, high = number(from_port, 0), number(to_port, 65535)
    # Only TCP and UDP have ports (ICMP's "ports" are type and code): anything else is all or nothing.
    ports = (int(low), int(high)) if protocol in ("tcp", "udp") else ALL_PORTS
    return Ingress(protocol, ports, _networks(cidrs))


def _inline(group: Resource) -> list[Ingress]:
    rules = group.get("ingress")
    return [_ingress(r.get("protocol"), r.get("fromPort"), r.get("toPort"),
                     as_list(r.get("cidrBlocks")) + as_list(r.get("ipv6CidrBlocks")))
            for r in as_list(rules) if known(rules) and isinstance(r, dict)]


def _separate(rule: Resource) -> list[Ingress]:
    if rule.type == GROUP_RULE:
        if rule.get("type") != "ingress":
            return []
        return [_ingress(rule.get("protocol"), rule.get("fromPort"), rule.get("toPort"),
                         as_list(rule.get("cidrBlocks")) + as_list(rule.get("ipv6CidrBlocks")))]
    return [_ingress(rule.get("ipProtocol"), rule.get("fromPort"), rule.get("toPort"),
                     as_list(rule.get("cidrIpv4")) + as_list(rule.get("cidrIpv6")))]


def covers_world(networks: Iterable) -> bool:
    """True when the ranges together are all of IPv4 or all of IPv6."""
    for version, world in WORLD.items():
        same = [n for n in networks if n.version == version]
        if world in ipaddress.collapse_addresses(same):
            return True
    return False


def _open_on(protocol: str, entries: list[Ingress]) -> list[str]:
    """The port ranges of one protocol the world reaches (the protocol's rules and the all-protocol ones).

    The set of rules that applies is constant between rule boundaries, so checking each boundary
    (every from-port, and every to-port + 1) checks every port."""
    problems = []
    relevant = [e for e in entries if e.protocol in (protocol, "-1")]
    bounds = sorted({e.ports[0] for e in relevant} | {e.ports[1] + 1 for e in relevant})
    for start, end in zip(bounds, bounds[1:]):
        covering = [n for e in relevant if e.ports[0] <= start <= e.ports[1] for n in e.networks]
        if not covering or not covers_world(covering):
            continue
        if start == end - 1 and (protocol, start) in EDGE_PORTS:
            continue
        if protocol not in ("tcp", "udp"):
            what = "every protocol" if protocol == "-1" else protocol
        elif (start, end - 1) == ALL_PORTS:
            what = f"{protocol} every port"
        else:
            what = f"{protocol} port {start}" if start == end - 1 else f"{protocol} ports {start}-{end - 1}"
        problems.append(f"{what} is open to the whole internet "
                        f"(the union of {', '.join(sorted({str(n) for n in covering}))})")
    return problems


def world_open(entries: list[Ingress]) -> list[str]:
    """Every protocol and port range the world reaches, other than TCP 80 and 443 and UDP 443. When every
    protocol is open, that one finding says it all."""
    everything = _open_on("-1", [e for e in entries if e.protocol == "-1"])
    if everything:
        return everything
    protocols = {e.protocol for e in entries if e.protocol != "-1"} | {"tcp", "udp", "icmp"}
    return [p for protocol in sorted(protocols) for p in _open_on(protocol, entries)]


def group_problems(stack: Stack) -> list[tuple[Resource, str]]:
    found = []
    groups = stack.of_types([GROUP])
    for group in groups:
        entries = _inline(group)
        for rule in stack.attached(group, [GROUP_RULE, INGRESS_RULE], via="securityGroupId"):
            entries += _separate(rule)
        found += [(group, p) for p in world_open(entries)]
    # A rule whose group is not in the stack (an existing group): judged on its own.
    linked = {r.name for g in groups for r in stack.attached(g, [GROUP_RULE, INGRESS_RULE], via="securityGroupId")}
    for rule in stack.of_types([GROUP_RULE, INGRESS_RULE]):
        if rule.name not in linked:
            found += [(rule, p) for p in world_open(_separate(rule))]
    return found


RULES = [
    Rule(name="no-world-ingress",
         description="open only TCP 80/443 and UDP 443 (HTTP/3) to 0.0.0.0/0 or ::/0 (or ranges that add up to them), on the edge; "
                     "give every other port a narrow source: the admin CIDRs (8069 at step 0) or a security group",
         stack=True, check=group_problems),
]
