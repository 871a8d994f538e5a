"""Who may reach Odoo's 8069 at step 0: parse admin CIDRs and measure how much of the internet they open.

A string compare against "0.0.0.0/0" is bypassed by "0.0.0.0/00" or by two /1 halves, so the guard
measures the union of the networks instead of looking at their spelling.
"""
from __future__ import annotations

import ipaddress

# More than a /8 worth of addresses is not "the admins' addresses" any more.
WIDEST_ADMIN_ADDRESSES = 2 ** 24


def parse_admin_cidr(cidr: str) -> str:
    """The canonical IPv4 network, or ValueError saying what to write instead."""
    if "/" not in cidr:
        raise ValueError(f"{cidr!r} is not a CIDR: add the prefix length, e.g. {cidr}/32")
    try:
        network = ipaddress.ip_network(cidr, strict=True)
    except ValueError as err:
        raise ValueError(f"{cidr!r} is not a CIDR such as 203.0.113.7/32 ({err})") from None
    if network.version == 6:
        raise ValueError(f"{cidr!r} is IPv6, but the stack's VPC has no IPv6: list IPv4 CIDRs such as "
                         "203.0.113.7/32")
    return str(network)


def addresses_covered(cidrs: tuple[str, ...]) -> int:
    """How many IPv4 addresses the CIDRs open together (overlaps counted once)."""
    networks = ipaddress.collapse_addresses(ipaddress.ip_network(c) for c in cidrs)
    return sum(n.num_addresses for n in networks)


def too_wide(cidrs: tuple[str, ...]) -> bool:
    return addresses_covered(cidrs) > WIDEST_ADMIN_ADDRESSES
