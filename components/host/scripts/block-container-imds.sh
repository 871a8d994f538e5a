#!/bin/bash
# Containers must not reach the instance metadata service (IMDS): whoever reaches it holds the
# host's instance role (every secret of the stack, the backups, the results `ladder verify` trusts).
# The IMDS hop limit of 1 already stops IMDSv2 token answers one hop away; this drops the packets
# themselves. Container traffic to the host's outside crosses the FORWARD chain, which Docker
# hooks to the DOCKER-USER chain before its own rules, and Docker never flushes DOCKER-USER.
#
# Run by docker.service's drop-in before dockerd starts (so the rule exists before any container
# runs) and again after it started (in case the chain was rebuilt meanwhile). Idempotent: every
# rule and hook is checked before it is inserted, so running it twice leaves one of each.
set -euo pipefail

chain="DOCKER-USER"

# TOOL ADDRESS: the chain, its hook from FORWARD, and the drop, each added only when missing.
block() {
    local tool="$1" address="$2"
    if ! "$tool" -w -n -L "$chain" >/dev/null 2>&1; then
        "$tool" -w -N "$chain"
    fi
    if ! "$tool" -w -C FORWARD -j "$chain" 2>/dev/null; then
        "$tool" -w -I FORWARD 1 -j "$chain"
    fi
    if ! "$tool" -w -C "$chain" -d "$address" -j DROP 2>/dev/null; then
        "$tool" -w -I "$chain" 1 -d "$address" -j DROP
    fi
    echo "block-container-imds: $tool drops forwarded traffic to $address"
}

block iptables 169.254.169.254/32

# IMDS also answers on IPv6 where the instance enables it. A host without IPv6 netfilter has no
# IPv6 path to forward either, so its absence is reported, not fatal.
if command -v ip6tables >/dev/null 2>&1 && ip6tables -w -n -L FORWARD >/dev/null 2>&1; then
    block ip6tables fd00:ec2::254/128
else
    echo "block-container-imds: no IPv6 netfilter on this host; nothing to forward over IPv6"
fi
