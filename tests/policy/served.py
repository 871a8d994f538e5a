"""The policy pack constructed by the real pulumi-policy SDK, without the Pulumi CLI.

PolicyPack() builds its gRPC servicer, starts a server on 127.0.0.1, prints the port for the CLI and
sleeps until interrupted. Here grpc.server is a stub (nothing listens) and the first sleep raises
KeyboardInterrupt, which the SDK handles by stopping the server and returning; the servicer the SDK
built is kept, so tests can call its Analyze and AnalyzeStack with real protobuf requests.
"""
from __future__ import annotations

import runpy
from pathlib import Path
from unittest import mock

from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2

PACK = Path(__file__).resolve().parents[2] / "policy"


class _StubServer:
    def __init__(self, *args, **kwargs):
        self.servicer = None

    def add_generic_rpc_handlers(self, handlers):
        pass

    def add_registered_method_handlers(self, *args):
        pass

    def add_insecure_port(self, address):
        return 0

    def start(self):
        pass

    def stop(self, grace):
        pass


def serve_without_cli(run):
    """Runs `run()` (which constructs a PolicyPack) and returns the servicer the SDK built."""
    import pulumi_policy.policy as sdk
    captured = {}

    def capture(servicer, server):
        captured["servicer"] = servicer

    def interrupt(seconds):
        raise KeyboardInterrupt

    with mock.patch.object(sdk.grpc, "server", _StubServer), \
            mock.patch.object(sdk.analyzer_pb2_grpc, "add_AnalyzerServicer_to_server", capture), \
            mock.patch.object(sdk.time, "sleep", interrupt):
        run()
    return captured["servicer"]


def served_pack():
    """The pack's own entry point, policy/__main__.py, as the CLI's language host runs it."""
    return serve_without_cli(lambda: runpy.run_path(str(PACK / "__main__.py"), run_name="__main__"))


def struct(value: dict) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    json_format.ParseDict(value, message)
    return message


def urn(resource_type: str, name: str) -> str:
    return f"urn:pulumi:test::odoo-ladder::{resource_type}::{name}"


def analyze_request(resource_type: str, name: str, inputs: dict, protect: bool = False):
    return analyzer_pb2.AnalyzeRequest(type=resource_type, name=name, urn=urn(resource_type, name),
                                       properties=struct(inputs),
                                       options=analyzer_pb2.AnalyzerResourceOptions(protect=protect))


def stack_request(resources: list[dict]):
    """resources: dicts with type, name, inputs and optional depends ({input: [name of the resource]})."""
    by_name = {r["name"]: urn(r["type"], r["name"]) for r in resources}
    made = []
    for r in resources:
        dependencies = {prop: analyzer_pb2.AnalyzerPropertyDependencies(urns=[by_name[n] for n in names])
                        for prop, names in (r.get("depends") or {}).items()}
        made.append(analyzer_pb2.AnalyzerResource(type=r["type"], name=r["name"], urn=by_name[r["name"]],
                                                  properties=struct(r["inputs"]),
                                                  options=analyzer_pb2.AnalyzerResourceOptions(),
                                                  propertyDependencies=dependencies))
    return analyzer_pb2.AnalyzeStackRequest(resources=made)
