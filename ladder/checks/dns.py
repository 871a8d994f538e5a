"""Live outcome check: the domain points at the host that runs the proxy."""
import socket

from ladder.checks.result import CheckResult


def check_dns(domain: str, expected_ip: str) -> CheckResult:
    """`domain` resolves (through this machine's resolver) to `expected_ip`."""
    name = f"DNS for {domain}"
    try:
        infos = socket.getaddrinfo(domain, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as error:
        return CheckResult(
            name, False, f"{domain} does not resolve ({error.strerror}); create an A record pointing at {expected_ip}"
        )
    addresses = sorted({info[4][0] for info in infos})
    if expected_ip in addresses:
        return CheckResult(name, True, f"{domain} resolves to {expected_ip}")
    return CheckResult(
        name,
        False,
        f"{domain} resolves to {', '.join(addresses)}, not {expected_ip}: point its A record at {expected_ip} "
        "(and wait for the old record's TTL) before asking for a certificate",
    )
