"""The pack as the Pulumi CLI's language host starts it: `python <pack folder>` (run from another
directory), which serves the analyzer on 127.0.0.1 and prints the port; a gRPC client then asks it
what the engine asks at `pulumi preview`. Only the CLI itself is missing."""
import subprocess
import sys

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2_grpc

from tests.policy.fixtures import instance
from tests.policy.served import PACK, analyze_request


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory):
    process = subprocess.Popen([sys.executable, "-u", str(PACK)], cwd=tmp_path_factory.mktemp("elsewhere"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = process.stdout.readline().strip()
        assert port.isdigit(), process.stderr.read() if process.poll() is not None else port
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(channel).result(timeout=30)
        yield analyzer_pb2_grpc.AnalyzerStub(channel)
        channel.close()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_served_pack_lists_its_policies(analyzer):
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
    assert info.name == "odoo-ladder" and len(info.policies) > 20


def test_the_served_pack_refuses_hop_limit_2(analyzer):
    record = instance(hops=2.0)
    response = analyzer.Analyze(analyze_request(record["type"], record["name"], record["inputs"]), timeout=30)
    assert [d.policyName for d in response.diagnostics] == ["imds-v2-hop-limit-1"]
