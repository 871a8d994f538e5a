"""The end of `ladder diff`: what the move does for the user, in plain words.

Each part reads one source: ports from the security group's ingress (or, locally, the compose
file's published ports), services and Odoo settings from the delivered artifacts
(ladder.delivered), certificates from the proxy in the config, rotations, downtime and lost data
from the plan diff.
"""
from __future__ import annotations

from dataclasses import dataclass

from configs.load import LadderConfig
from ladder.delivered import Delivered, delivered
from ladder.diff import GENERATED_PASSWORD, PlanDiff
from ladder.holds_data import advice, what_it_holds

WORLD = {"0.0.0.0/0", "::/0"}
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INSTANCE = "aws:ec2/instance:Instance"
DNS_RECORD = "aws:route53/record:Record"
# Instance inputs AWS can only change on a stopped instance (terraform-provider-aws stops and starts it).
STOP_START = {"userData": "its user-data", "userDataBase64": "its user-data", "instanceType": "its instance type"}


@dataclass(frozen=True)
class Side:
    cfg: LadderConfig
    records: list[dict]
    delivered: Delivered


def side(cfg: LadderConfig, records: list[dict]) -> Side:
    return Side(cfg, records, delivered(cfg))


def _exposure(s: Side) -> dict[tuple[int, str], set[str]]:
    """(port, protocol) -> who may reach it: Caddy's HTTP/3 opens 443/udp beside 443/tcp."""
    groups = [r for r in s.records if r["type"] == SECURITY_GROUP]
    exposed: dict[tuple[int, str], set[str]] = {}
    for group in groups:
        for rule in group["inputs"].get("ingress", []):
            for port in range(int(rule["fromPort"]), int(rule["toPort"]) + 1):
                exposed.setdefault((port, rule.get("protocol", "tcp")), set()).update(
                    rule.get("cidrBlocks", []) + rule.get("ipv6CidrBlocks", []))
    if not groups:  # local target: what the compose file publishes on this machine
        for service in s.delivered.services.values():
            for mapping in service.get("ports", []):
                ports, _, protocol = str(mapping).partition("/")  # [ip:]host:container[/proto]
                parts = ports.split(":")
                port = int(parts[-2] if len(parts) > 1 else parts[0])
                exposed.setdefault((port, protocol or "tcp"), set()).add("this machine")
    return exposed


def _who(sources: set[str]) -> str:
    return "the world" if sources & WORLD else ", ".join(sorted(sources))


def _port(key: tuple[int, str]) -> str:
    return str(key[0]) if key[1] == "tcp" else f"{key[0]}/{key[1]}"


def ports(a: Side, b: Side) -> list[str]:
    before, after = _exposure(a), _exposure(b)
    lines = [f"port {_port(p)} closes (was open to {_who(before[p])})" for p in sorted(before.keys() - after.keys())]
    for p in sorted(after):
        if p not in before:
            lines.append(f"port {_port(p)} opens to {_who(after[p])}")
        elif before[p] != after[p]:
            lines.append(f"port {_port(p)} was open to {_who(before[p])}, now to {_who(after[p])}")
    return lines


def services(a: Side, b: Side) -> list[str]:
    old, new = set(a.delivered.services), set(b.delivered.services)
    lines = [f"service {name} is added" for name in sorted(new - old)]
    lines += [f"service {name} is removed" for name in sorted(old - new)]
    workers = (a.delivered.odoo.get("workers"), b.delivered.odoo.get("workers"))
    if workers[0] != workers[1]:
        lines.append(f"Odoo goes from {workers[0]} to {workers[1]} workers")
    versions = (a.cfg.settings.odoo.version, b.cfg.settings.odoo.version)
    if versions[0] != versions[1]:
        lines.append(f"Odoo goes from {versions[0]} to {versions[1]}: a major version needs a database migration")
    return lines


def certificates(a: Side, b: Side) -> list[str]:
    old, new = a.cfg.components.proxy, b.cfg.components.proxy
    domain = b.cfg.settings.domain or a.cfg.settings.domain
    if old == new and (not new or a.cfg.settings.domain == b.cfg.settings.domain):
        return []
    if not old:
        return [f"{new} is added: it requests a certificate for {domain} on its first start"]
    if not new:
        return [f"{old} is removed: HTTPS for {domain} ends and its certificate is no longer renewed"]
    if old == new:
        return [f"a new certificate is issued for {domain}"]
    return [f"the proxy switches from {old} to {new}: a new certificate is issued for {domain} "
            f"({old}'s is not carried over); each switch counts against Let's Encrypt's rate limits"]


def secrets(a: Side, b: Side, diff: PlanDiff) -> list[str]:
    lines = [f"the generated password {c.name} rotates: the apply stores the new value, sets the database "
             f"role's password and restarts Odoo" for c in diff.rotated]
    lines += [f"the generated password {c.name} is replaced: a new value" for c in diff.replaced
              if c.after["type"] == GENERATED_PASSWORD and c not in diff.rotated]
    stores = (a.cfg.components.secrets, b.cfg.components.secrets)
    if all(stores) and stores[0] != stores[1]:
        lines.append(f"the secrets move from {stores[0]} to {stores[1]}")
    return lines


def _host_replaced(change) -> str:
    """The data volume attaches to one instance at a time: the old host goes before the new one comes."""
    line = f"the host {change.name} is replaced ({', '.join(change.replaced_by)}): "
    if change.after.get("delete_before_replace"):
        return line + ("Odoo is down while the old host is stopped, the data volume detached and the host "
                       "deleted, then the new host boots and the volume is attached to it (docs/step0.md)")
    return line + "Odoo is down while the new host boots and the data volume moves to it"


def _new_image(a: Side, b: Side) -> list[str]:
    """Another image for the odoo service (a deploy's digest, or odoo.image): `compose up` recreates the
    container on it, and with odoo.update_modules the apply upgrades the modules first
    (components/delivery/image_steps.py, docs/step6.md "Module upgrades")."""
    old, new = (s.delivered.services.get("odoo", {}).get("image") for s in (a, b))
    if not old or not new or old == new:
        return []
    line = f"Odoo moves to the image {new}: compose recreates its container, a short restart in which the site does not answer"
    modules = b.cfg.settings.odoo.update_modules
    if modules:
        line += (f"; before it, `odoo -u {','.join(modules)} --stop-after-init` runs once in a container of the "
                 f"new image while the old one keeps serving (a failed upgrade stops the rollout there, the old "
                 f"image still serving); a long upgrade changes the schema under the running code")
    return [line]


def downtime(a: Side, b: Side, diff: PlanDiff) -> list[str]:
    lines = [_host_replaced(c) for c in diff.replaced if c.after["type"] == INSTANCE]
    if not lines:  # a new host starts on the new image anyway
        lines += _new_image(a, b)
    for c in diff.updated:
        if c.after["type"] == INSTANCE:
            what = sorted({STOP_START[k] for k in c.keys if k in STOP_START})
            if what:
                lines.append(f"AWS stops and starts the host {c.name} to change {' and '.join(what)}: "
                             f"a few minutes of downtime")
    old, new = a.cfg.components.proxy, b.cfg.components.proxy
    if old and new and old != new:
        lines.append(f"{old} stops and {new} starts: the site is down until {new} has its certificate")
    elif bool(old) != bool(new):
        https = f"https://{b.cfg.settings.domain or a.cfg.settings.domain}"
        lines.append(f"the site moves {'to ' + https if new else 'from ' + https + ' back to port 8069'}: "
                     f"Odoo restarts behind the new front; users and links must follow")
    return lines


def manual_steps(a: Side, b: Side, diff: PlanDiff) -> list[str]:
    lines = []
    proxy_new = b.cfg.components.proxy and (not a.cfg.components.proxy or a.cfg.settings.domain != b.cfg.settings.domain)
    managed_dns = any(r["type"] == DNS_RECORD for r in b.records)
    if proxy_new and b.cfg.settings.target == "aws" and not managed_dns:
        lines.append(f"DNS: create the A record {b.cfg.settings.domain} -> the Elastic IP "
                     f"(`pulumi stack output dns_record`) before `pulumi up`, or set odoo-ladder:dns_zone_id")
    for record in diff.data_at_risk:
        lines.append(f"data: {record['name']} holds {what_it_holds(record)}: {advice(record)}")
    return lines


def summarize(a: Side, b: Side, diff: PlanDiff) -> list[str]:
    parts = [("ports", ports(a, b)), ("services", services(a, b)), ("certificates", certificates(a, b)),
             ("secrets", secrets(a, b, diff)), ("downtime", downtime(a, b, diff)),
             ("manual steps", manual_steps(a, b, diff))]
    lines = ["What this move does:"]
    for title, found in parts:
        lines += [f"  {title}: {line}" for line in found] or [f"  {title}: {_NOTHING[title]}"]
    return lines


_NOTHING = {"ports": "no change", "services": "no change", "certificates": "no change",
            "secrets": "none rotated", "downtime": "none expected", "manual steps": "none"}
