"""The rules are written against pulumi-aws's input names: every type they name exists in the pinned
pulumi-aws, and every input their fixtures set is one pulumi-aws accepts (a renamed input fails here)."""
import pytest

from policy.rules import RULES, buckets, data, iam, network, tags
from tests.policy.pulumi_aws_inputs import input_names
from tests.policy.test_rules import CASES

TYPES = sorted({t for rule in RULES for t in rule.types}
               | {*buckets.BUCKETS, *buckets.PUBLIC_ACCESS_BLOCK, *buckets.POLICY, *buckets.VERSIONING,
                  *buckets.OBJECT_LOCK, *buckets.ENCRYPTION, network.GROUP, network.GROUP_RULE,
                  network.INGRESS_RULE, *data.MUST_SURVIVE, *iam.DOCUMENT_INPUTS, *iam.ATTACHMENTS, *tags.TAGGABLE})


@pytest.mark.parametrize("type_token", TYPES)
def test_every_type_a_rule_names_exists_in_pulumi_aws(type_token):
    assert input_names(type_token)


def _fixture_records():
    for name, (passing, failing, _) in CASES.items():
        for record in passing + failing:
            yield pytest.param(record, id=f"{name}-{record['name']}")


@pytest.mark.parametrize("record", list(_fixture_records()))
def test_every_fixture_input_is_a_pulumi_aws_input(record):
    assert set(record["inputs"]) <= input_names(record["type"])


@pytest.mark.parametrize("type_token, names", [
    ("aws:ec2/instance:Instance", {"metadataOptions", "rootBlockDevice", "ebsBlockDevices"}),
    ("aws:ebs/volume:Volume", {"encrypted"}),
    ("aws:rds/instance:Instance", {"publiclyAccessible", "deletionProtection", "backupRetentionPeriod",
                                   "storageEncrypted"}),
    ("aws:rds/cluster:Cluster", {"deletionProtection", "backupRetentionPeriod", "storageEncrypted"}),
    ("aws:efs/fileSystem:FileSystem", {"encrypted"}),
    ("aws:sns/topic:Topic", {"kmsMasterKeyId"}),
    ("aws:ecr/repository:Repository", {"imageTagMutability", "imageScanningConfiguration"}),
    ("aws:lb/loadBalancer:LoadBalancer", {"dropInvalidHeaderFields", "loadBalancerType"}),
    ("aws:lb/listener:Listener", {"protocol", "sslPolicy", "defaultActions"}),
    ("aws:cloudwatch/logGroup:LogGroup", {"retentionInDays"}),
    ("aws:s3/bucket:Bucket", {"objectLockEnabled", "forceDestroy", "bucketPrefix", "policy", "versioning",
                              "serverSideEncryptionConfiguration"}),
    ("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", {"bucket", "objectLockEnabled"}),
    ("aws:ec2/securityGroupRule:SecurityGroupRule", {"type", "protocol", "fromPort", "toPort", "cidrBlocks",
                                                     "ipv6CidrBlocks", "securityGroupId"}),
    ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", {"ipProtocol", "fromPort", "toPort", "cidrIpv4",
                                                                   "cidrIpv6", "securityGroupId"}),
    ("aws:iam/role:Role", {"assumeRolePolicy", "inlinePolicies", "managedPolicyArns"}),
    ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {"policyArn"}),
])
def test_the_inputs_the_rules_read_exist(type_token, names):
    assert names <= input_names(type_token)
