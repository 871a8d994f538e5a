"""Runs a stack's program under Pulumi's mocks, in isolation, and returns what it registered (for `ladder plan` and the tests).

Each run gets a fresh event loop and `reset_options()`, the config is set with the project's own
namespace, and the program runs inside `@pulumi.runtime.test`, so every Output is awaited. The
monitor records each registration with its options (protect, retain_on_delete, ignore_changes,
parent), which Pulumi's mocks do not pass on.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import pulumi
from google.protobuf import json_format  # the inputs in wire form: secret markers kept
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor

from configs.load import SECRET_KEYS
from configs.stack_file import read_stack_file

PROJECT = "odoo-ladder"
ACCOUNT = "123456789012"
SECRET_MARK = "<secret>"


@dataclass
class Registered:
    type: str
    name: str
    urn: str
    parent: str
    inputs: dict[str, Any]
    secret_paths: set[str]
    protect: bool
    retain_on_delete: bool
    ignore_changes: list[str]
    custom: bool
    # The former parents this resource is aliased to (its identity kept across a move in the tree).
    alias_parents: list[str] = field(default_factory=list)
    replace_on_changes: list[str] = field(default_factory=list)
    delete_before_replace: bool = False
    # The URNs it waits for: depends_on and the resources its inputs come from.
    dependencies: list[str] = field(default_factory=list)


@dataclass
class StackRun:
    resources: list[Registered] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    secret_outputs: set[str] = field(default_factory=set)

    def of_type(self, type_: str) -> list[Registered]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str) -> Registered:
        found = self.of_type(type_)
        assert len(found) == 1, f"expected one {type_}, found {[r.name for r in found]}"
        return found[0]

    def named(self, type_: str, name: str) -> Registered:
        """The resource of that type and logical name (several components may register the same type)."""
        found = [r for r in self.of_type(type_) if r.name == name]
        assert len(found) == 1, f"expected one {type_} named {name}, found {[r.name for r in self.of_type(type_)]}"
        return found[0]

    def types(self) -> set[str]:
        return {r.type for r in self.resources}


def _unwrap(value: Any, path: str, secrets: set[str]) -> Any:
    """Plain values, with the paths of secret ones collected (Pulumi marks them in the wire format)."""
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            secrets.add(path or ".")
            return _unwrap(value["value"], path, secrets)
        return {k: _unwrap(v, f"{path}.{k}" if path else k, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v, f"{path}[{i}]", secrets) for i, v in enumerate(value)]
    return value


class Mocks(pulumi.runtime.Mocks):
    def __init__(self, region: str, previous: Mapping[str, Any] | None = None):
        self.region = region
        # The stack's outputs from its last `pulumi up`, as the engine's readStackOutputs returns them.
        self.previous = dict(previous or {})

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        state = dict(args.inputs)
        state.setdefault("arn", f"arn:aws:mock:{self.region}:{ACCOUNT}:{args.name}")
        if args.typ == "aws:kms/key:Key":
            state["arn"] = f"arn:aws:kms:{self.region}:{ACCOUNT}:key/{args.name}"
            state["keyId"] = args.name
        if args.typ == "aws:iam/role:Role":  # key policies name the role by its real ARN shape
            state.setdefault("name", f"{args.name}-0a1b2c3")  # what Pulumi's auto-naming would give
            state["arn"] = f"arn:aws:iam::{ACCOUNT}:role/{state['name']}"
        if args.typ == "aws:cloudwatch/logGroup:LogGroup":
            state["arn"] = f"arn:aws:logs:{self.region}:{ACCOUNT}:log-group:{state.get('name', args.name)}"
        if args.typ == "aws:ssm/parameter:Parameter":
            state.setdefault("version", 1)
        if args.typ == "aws:secretsmanager/secretVersion:SecretVersion":
            state.setdefault("versionId", f"{args.name}-v1")
        if args.typ == "aws:ssm/association:Association":
            state.setdefault("associationId", f"{args.name}-association")
        if args.typ == "aws:s3/bucket:Bucket":
            state.setdefault("bucket", f"{args.name}-0a1b2c3")  # what Pulumi's auto-naming would give
            state["arn"] = f"arn:aws:s3:::{state['bucket']}"  # policies name it by its real ARN shape
        if args.typ == "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            state["arn"] = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{state['url'].removeprefix('https://')}"
        if args.typ == "aws:ecr/repository:Repository":
            state["arn"] = f"arn:aws:ecr:{self.region}:{ACCOUNT}:repository/{state['name']}"
            state["repositoryUrl"] = f"{ACCOUNT}.dkr.ecr.{self.region}.amazonaws.com/{state['name']}"
        if args.typ == "aws:iam/policy:Policy":
            state["arn"] = f"arn:aws:iam::{ACCOUNT}:policy/{args.name}"
        if args.typ in ("aws:rds/subnetGroup:SubnetGroup", "aws:rds/parameterGroup:ParameterGroup"):
            state.setdefault("name", f"{args.name}-0a1b2c3")  # what Pulumi's auto-naming would give
        if args.typ == "aws:rds/instance:Instance":  # what AWS answers once the instance exists
            state["address"] = f"{state.get('identifier', args.name)}.c0a1b2c3d4e5.{self.region}.rds.amazonaws.com"
            state["masterUserSecrets"] = [{"secretArn": f"arn:aws:secretsmanager:{self.region}:{ACCOUNT}:secret:"
                                                        f"rds!db-0a1b2c3d-AbCdEf", "secretStatus": "active"}]
        if args.typ == "aws:ec2/eip:Eip":
            state["publicIp"] = "198.51.100.10"
        if args.typ == "aws:ssm/document:Document":
            state["latestVersion"] = "1"
        if args.typ == "aws:acm/certificate:Certificate":  # what ACM answers for DNS validation
            state["domainValidationOptions"] = [{
                "domainName": state["domainName"], "resourceRecordName": f"_0123abcd.{state['domainName']}.",
                "resourceRecordType": "CNAME", "resourceRecordValue": "_4567ef.acm-validations.aws."}]
        if args.typ == "aws:rds/instance:Instance":
            state.setdefault("address", f"{state.get('identifier', args.name)}.abcdefghijkl.{self.region}.rds.amazonaws.com")
        if args.typ == "aws:lb/loadBalancer:LoadBalancer":
            state.update(dnsName=f"{state.get('name', args.name)}-1234.{self.region}.elb.amazonaws.com",
                         zoneId="Z0MOCKELBZONE", arnSuffix=f"app/{state.get('name', args.name)}/0123456789abcdef")
        if args.typ == "aws:lb/targetGroup:TargetGroup":
            state["arnSuffix"] = f"targetgroup/{state.get('name', args.name)}/0123456789abcdef"
        if args.typ == "random:index/randomPassword:RandomPassword":
            state["result"] = f"generated-{args.name}"
        if args.typ == "aws:efs/fileSystem:FileSystem":  # EFS's API checks the id's shape (fs-<hex>)
            file_system_id = "fs-" + hashlib.sha256(args.name.encode()).hexdigest()[:17]
            state["arn"] = f"arn:aws:elasticfilesystem:{self.region}:{ACCOUNT}:file-system/{file_system_id}"
            return file_system_id, state
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs):
        if args.token == "pulumi:pulumi:readStackOutputs":
            assert args.args["name"] == f"organization/{PROJECT}/{pulumi.get_stack()}", args.args["name"]
            return {"name": args.args["name"], "outputs": self.previous, "secretOutputNames": []}
        if args.token == "aws:ec2/getAmi:getAmi":
            return {"id": "ami-0fedcba9876543210", "imageId": "ami-0fedcba9876543210", "name": "ubuntu-noble"}
        if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            return {"names": [f"{self.region}a", f"{self.region}b"], "zoneIds": ["z1", "z2"], "id": self.region}
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/ci", "userId": "AIDA", "id": ACCOUNT}
        if args.token == "aws:index/getRegion:getRegion":
            return {"name": self.region, "region": self.region, "id": self.region}
        raise NotImplementedError(f"the mocks do not answer {args.token}")


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks: Mocks, run: StackRun):
        super().__init__(mocks)
        self.run = run
        self.urns: dict[str, str] = {}  # the mocks' URN -> the URN Pulumi itself would give

    def _real_urn(self, request) -> str:
        """Pulumi qualifies a child's type with its parent's whole type chain (the stack left out);
        the mocks keep only the parent's last type, so `ladder diff` would not match real state."""
        parent = self.urns.get(request.parent, "")
        type_ = request.type
        if parent:
            type_ = f"{parent.split('::')[2]}${type_}"
        stack, project = pulumi.get_stack(), pulumi.get_project()
        return f"urn:pulumi:{stack}::{project}::{type_}::{request.name}"

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            urn = self.urns[response.urn] = self._real_urn(request)
            secrets: set[str] = set()
            self.run.resources.append(Registered(
                type=request.type, name=request.name, urn=urn, parent=request.parent,
                inputs=_unwrap(json_format.MessageToDict(request.object), "", secrets),
                secret_paths=secrets, protect=bool(request.protect), retain_on_delete=bool(request.retainOnDelete),
                ignore_changes=list(request.ignoreChanges), custom=bool(request.custom),
                alias_parents=[a.spec.parentUrn for a in request.aliases if a.HasField("spec") and a.spec.parentUrn],
                replace_on_changes=list(request.replaceOnChanges),
                delete_before_replace=bool(request.deleteBeforeReplace),
                dependencies=list(request.dependencies)))
        return response


def stack_config(stack_or_path: str) -> dict[str, str]:
    """A stack file's config as Pulumi hands it to a program: structured values as JSON text.

    Read with Pulumi's YAML rules (configs.stack_file): `12:30` stays text, duplicated keys are refused.
    """
    found = read_stack_file(stack_or_path)
    config = {}
    for key, value in found.config.items():
        if key in found.secure:
            value = f"stack-file-secret-{key.split(':')[-1]}"
        config[key] = value if isinstance(value, str) else json.dumps(value)
    return config


def run_stack(config: Mapping[str, Any], stack: str = "test", preview: bool = False,
              into: StackRun | None = None, secret_keys: Iterable[str] | None = None,
              previous: Mapping[str, Any] | None = None) -> StackRun:
    """Runs the program for a flat config map (`odoo-ladder:step` -> value) and returns what it did.

    `secret_keys`: the keys Pulumi marks secret; by default every password key, as `secure:` gives them.
    `previous`: the stack's outputs from its last `pulumi up` (a run's `outputs`); None: a new stack.
    """
    from components.ladder import build
    from configs.load import from_pulumi

    flat = {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in config.items()}
    if secret_keys is None:
        secret_keys = [k for k in flat if k.split(":", 1)[-1] in SECRET_KEYS]
    run = into if into is not None else StackRun()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    pulumi.runtime.settings.reset_options()
    mocks = Mocks(flat.get("aws:region", "eu-south-1"), previous)
    # The local backend's organization: the program names its own stack organization/project/stack.
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=preview, organization="organization",
                             monitor=RecordingMonitor(mocks, run))
    pulumi.runtime.set_all_config(flat, list(secret_keys))

    @pulumi.runtime.test
    def program():
        outputs = build(from_pulumi())

        async def settle():
            for key, value in outputs.items():
                output = pulumi.Output.from_input(value)
                run.outputs[key] = await output.future()
                if await output.is_secret():
                    run.secret_outputs.add(key)
        return pulumi.Output.from_input(asyncio.ensure_future(settle()))

    try:
        program()
    finally:
        loop.close()
        asyncio.set_event_loop(None)
    return run
