"""`ladder diagram`: the stack's architecture as a Graphviz graph, from its mocked plan and its config.

Plain Graphviz (Debian `graphviz`, the `dot` command) rather than the `diagrams` package: no Python
dependency at run time, and the graph is one text (the dot source) that a test can compare node by
node and edge by edge, while `diagrams` writes icon paths of the machine it ran on into the picture.

Nodes are grouped as a person thinks of them (network, host, proxy, app, database, storage, secrets,
delivery, logs); plumbing that explains nothing in a picture (policies, attachments, lifecycle rules)
is left out. The containers are not resources in the plan (the host runs them from the delivered
compose file), so they come from the config's component set.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass, field

from configs.load import LadderConfig

GROUPS = ("internet", "network", "host", "proxy", "app", "database", "rds", "storage", "secrets", "delivery", "logs",
          "ci")

# The containers run on the host, so their groups are drawn inside it.
NESTED = {"host": ("proxy", "app", "database")}
# Plan resource type -> (group, label). Types not listed are plumbing and stay out of the picture.
SHOWN = {
    "aws:ec2/vpc:Vpc": ("network", "VPC"),
    "aws:ec2/subnet:Subnet": ("network", "public subnets"),
    "aws:ec2/internetGateway:InternetGateway": ("network", "internet gateway"),
    "aws:ec2/securityGroup:SecurityGroup": ("network", "security group"),
    "aws:ec2/eip:Eip": ("network", "Elastic IP"),
    "aws:route53/record:Record": ("network", "DNS A record"),
    "aws:ec2/instance:Instance": ("host", "EC2 Docker host"),
    "aws:iam/role:Role": ("host", "instance role"),
    "aws:ebs/volume:Volume": ("storage", "EBS data volume"),
    "aws:s3/bucket:Bucket": ("storage", "S3 bucket"),
    "aws:kms/key:Key": ("secrets", "KMS key"),
    "aws:ssm/parameter:Parameter": ("secrets", "SSM parameters"),
    "aws:secretsmanager/secret:Secret": ("secrets", "Secrets Manager secrets"),
    "aws:ssm/document:Document": ("delivery", "SSM document"),
    "command:local:Command": ("delivery", "docker compose up (local)"),
    "aws:cloudwatch/logGroup:LogGroup": ("logs", "CloudWatch log group"),
    "aws:ecr/repository:Repository": ("ci", "ECR repository (immutable tags, scan on push)"),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": ("ci", "GitHub OIDC provider"),
    "aws:rds/instance:Instance": ("rds", "RDS PostgreSQL (private subnets, TLS only)"),
}
# Step 6's CI roles are roles too, drawn in the CI group by purpose, not as the host's role.
CI_ROLES = {"cicd-preview": "CI preview role (pull requests)", "cicd-deploy": "CI deploy role (environment production)"}
# Several resources of these types read as one thing in a picture.
MERGED = {"aws:ec2/subnet:Subnet", "aws:ssm/parameter:Parameter", "aws:secretsmanager/secret:Secret"}


@dataclass
class Graph:
    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (group, label)
    edges: set[tuple[str, str, str]] = field(default_factory=set)     # (from, to, what flows)
    titles: dict[str, str] = field(default_factory=dict)              # group -> its title when not its name

    def node(self, node_id: str, group: str, label: str) -> str:
        self.nodes[node_id] = (group, label)
        return node_id

    def edge(self, a: str | None, b: str | None, label: str) -> None:
        if a in self.nodes and b in self.nodes:
            self.edges.add((a, b, label))


def _resource_nodes(graph: Graph, records: list[dict]) -> dict[str, str]:
    """Adds a node per shown resource; returns a lookup from a role ('instance', 'backup-bucket') to id."""
    ids: dict[str, str] = {}
    for r in records:
        if r["type"] not in SHOWN:
            continue
        group, label = SHOWN[r["type"]]
        if r["name"] in CI_ROLES:
            ids[r["name"]] = graph.node(r["name"], "ci", CI_ROLES[r["name"]])
            continue
        node_id = r["type"].split(":")[-1] if r["type"] in MERGED else r["name"]
        if r["type"] == "aws:ec2/subnet:Subnet" and r["name"].startswith("database-"):
            # The database's subnets have no route out: not the public ones.
            node_id, label = "database-subnets", "private subnets (no route out)"
        if r["type"] == "aws:s3/bucket:Bucket":
            label = "S3 backup bucket" if r["name"].endswith("backup-bucket") else "S3 bundle bucket"
        # Buckets and volumes are told apart by name; one of each other type is enough to draw a flow.
        by_name = r["type"] in ("aws:s3/bucket:Bucket", "aws:ebs/volume:Volume", "aws:kms/key:Key",
                                "aws:ec2/securityGroup:SecurityGroup") or node_id == "database-subnets"
        if r["type"] == "aws:kms/key:Key" and r["name"].startswith("backup"):
            label = "KMS key (backups)"
        if r["type"] == "aws:iam/role:Role" and r["name"].startswith("backup"):
            group, label, by_name = "storage", "restore role (backups)", True
        key = r["name"] if by_name else r["type"].split(":")[-1]
        ids["Instance_rds" if r["type"] == "aws:rds/instance:Instance" else key] = graph.node(node_id, group, label)
    return ids


def build(cfg: LadderConfig, records: list[dict]) -> Graph:
    graph = Graph()
    ids = _resource_nodes(graph, records)
    comps = cfg.components
    local = cfg.settings.target != "aws"
    if local:
        graph.titles["host"] = "this machine's Docker engine"
    users = graph.node("users", "internet", "browser" if local else "users (internet)")
    odoo = graph.node("odoo", "app", "Odoo container :8069 / :8072")
    db = graph.node("db", "database", "PostgreSQL container :5432") if comps.database == "container" else None
    proxy = graph.node("proxy", "proxy", {"caddy": "Caddy :80/:443 (ACME)", "nginx": "nginx + certbot :80/:443"}
                       .get(comps.proxy or "", str(comps.proxy))) if comps.proxy else None
    entry = ids.get("Eip") or users
    if entry != users:
        graph.edge(users, ids.get("Record"), "resolves")
        graph.edge(users, entry, "HTTPS" if proxy else "HTTP :8069 (admin CIDRs)")
        graph.edge(ids.get("InternetGateway"), ids.get("Vpc"), "routes")
        graph.edge(ids.get("Vpc"), ids.get("Subnet"), "contains")
        graph.edge(ids.get("Subnet"), ids.get("Instance"), "runs in")
        graph.edge(entry, ids.get("Instance"), "public address")
        graph.edge(ids.get("host-sg"), ids.get("Instance"), "filters")
        host_in = ids.get("Instance")
    else:
        host_in = users
    graph.edge(host_in, proxy or odoo, "HTTPS :443" if proxy else "HTTP :8069")
    graph.edge(proxy, odoo, "HTTP :8069, websocket :8072")
    graph.edge(odoo, db, "SQL :5432")
    rds = ids.get("Instance_rds")
    graph.edge(odoo, rds, "SQL :5432, TLS verify-full")
    graph.edge(ids.get("database-sg"), rds, "5432 from the host's group only")
    graph.edge(ids.get("Vpc"), ids.get("database-private-0"), "contains")
    graph.edge(ids.get("database-private-0"), rds, "runs in")
    graph.edge(ids.get("secrets-key"), rds, "encrypts")
    data = ids.get("host-data")
    graph.edge(db, data, "database files")
    graph.edge(odoo, data, "filestore")
    graph.edge(ids.get("secrets-key"), ids.get("Parameter"), "encrypts")
    graph.edge(ids.get("secrets-key"), ids.get("Secret"), "encrypts")
    for store in ("Parameter", "Secret"):
        graph.edge(ids.get(store), ids.get("Instance"), "read at boot into /run (tmpfs)")
    graph.edge(ids.get("Role"), ids.get("Instance"), "instance profile")
    bundle = next((v for k, v in ids.items() if k.endswith("artifacts-bucket")), None)
    graph.edge(bundle, ids.get("Instance"), "bundle (sha256 checked)")
    graph.edge(ids.get("Document"), ids.get("Instance"), "runs the apply script")
    graph.edge(ids.get("Command"), odoo, "starts")
    backup = next((v for k, v in ids.items() if k.endswith("backup-bucket")), None)
    graph.edge(ids.get("Instance"), backup, "daily backup set")
    graph.edge(ids.get("backup-key"), backup, "encrypts")
    graph.edge(ids.get("Instance"), ids.get("LogGroup"), "logs")
    if "Repository" in ids:
        actions = graph.node("github", "ci", "GitHub Actions (test, preview, deploy)")
        graph.edge(actions, ids.get("OpenIdConnectProvider"), "OIDC token")
        for role in CI_ROLES:
            graph.edge(ids.get("OpenIdConnectProvider"), ids.get(role), "AssumeRoleWithWebIdentity")
        graph.edge(ids.get("cicd-deploy"), ids.get("Repository"), "pushes the image")
        graph.edge(ids.get("cicd-deploy"), ids.get("Document"), "pulumi up with the digest")
        graph.edge(ids.get("Repository"), ids.get("Instance"), "pulled by digest (instance role)")
    return graph


def _quote(text: str) -> str:
    return '"' + text.replace('"', r'\"') + '"'


def to_dot(graph: Graph, title: str) -> str:
    """Deterministic dot source: nodes and edges sorted, one cluster per group."""
    lines = [f"digraph {_quote(title)} {{", "  rankdir=LR; compound=true; fontname=Helvetica;",
             f"  label={_quote(title)}; labelloc=t;", "  node [shape=box, style=rounded, fontname=Helvetica];",
             "  edge [fontname=Helvetica, fontsize=10];"]
    def cluster(group: str, indent: str) -> list[str]:
        members = sorted(nid for nid, (g, _) in graph.nodes.items() if g == group)
        inner = [line for sub in NESTED.get(group, ()) for line in cluster(sub, indent + "  ")]
        if not members and not inner:
            return []
        title = graph.titles.get(group, group)
        return [f"{indent}subgraph {_quote('cluster_' + group)} {{ label={_quote(title)};",
                *[f"{indent}  {_quote(nid)} [label={_quote(graph.nodes[nid][1])}];" for nid in members],
                *inner, f"{indent}}}"]
    for group in GROUPS:
        if not any(group in subs for subs in NESTED.values()):
            lines += cluster(group, "  ")
    lines += [f"  {_quote(a)} -> {_quote(b)} [label={_quote(label)}];" for a, b, label in sorted(graph.edges)]
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(dot_source: str, fmt: str) -> bytes:
    """The picture, drawn by Graphviz's `dot` (Debian package graphviz)."""
    return subprocess.run(["dot", f"-T{fmt}"], input=dot_source.encode(), capture_output=True, check=True).stdout
