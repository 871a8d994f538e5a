"""Every taggable resource carries `odoo-ladder:stack`: cost, inventory and clean-up by stack, and the
tag the IAM conditions of later steps can key on."""
from __future__ import annotations

from .model import Resource, Rule, known

TAG = "odoo-ladder:stack"

# The resource types (the program's, and the later steps') whose pulumi-aws inputs take `tags`;
# tests/policy/test_tags.py checks this list against the pinned pulumi-aws.
TAGGABLE = frozenset({
    "aws:ebs/volume:Volume", "aws:ec2/eip:Eip", "aws:ec2/instance:Instance", "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/routeTable:RouteTable", "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/subnet:Subnet",
    "aws:ec2/vpc:Vpc", "aws:ec2/launchTemplate:LaunchTemplate", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:iam/instanceProfile:InstanceProfile", "aws:iam/role:Role", "aws:iam/policy:Policy",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "aws:kms/key:Key",
    "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/bucketObjectv2:BucketObjectv2",
    "aws:ssm/association:Association", "aws:ssm/document:Document", "aws:ssm/parameter:Parameter",
    "aws:secretsmanager/secret:Secret", "aws:cloudwatch/logGroup:LogGroup", "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:sns/topic:Topic", "aws:rds/instance:Instance", "aws:rds/cluster:Cluster", "aws:rds/subnetGroup:SubnetGroup",
    "aws:rds/parameterGroup:ParameterGroup", "aws:efs/fileSystem:FileSystem", "aws:ecr/repository:Repository",
    "aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup", "aws:lb/listener:Listener",
    "aws:alb/loadBalancer:LoadBalancer", "aws:alb/targetGroup:TargetGroup", "aws:alb/listener:Listener",
    "aws:acm/certificate:Certificate", "aws:ecs/cluster:Cluster", "aws:ecs/service:Service",
    "aws:ecs/taskDefinition:TaskDefinition", "aws:efs/accessPoint:AccessPoint", "aws:lb/listenerRule:ListenerRule",
    "aws:appautoscaling/target:Target", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
})


# Step 6's CI identities carry `odoo-ladder:ci=<stack>` instead, on purpose: the deploy role's IAM
# rights are scoped by the stack tag, and must never reach the roles that hold them (components/cicd).
CI_TAG = "odoo-ladder:ci"
CI_IDENTITIES = frozenset({"aws:iam/role:Role", "aws:iam/policy:Policy",
                           "aws:iam/openIdConnectProvider:OpenIdConnectProvider"})


def tag_problems(resource: Resource) -> list[str]:
    tags = resource.get("tags")
    if not known(tags):
        return []
    if TAG in (tags or {}) or TAG in (resource.default_tags or {}):
        return []
    if resource.type in CI_IDENTITIES and CI_TAG in (tags or {}):
        return []
    return [f"no {TAG} tag"]


RULES = [
    Rule(name="stack-tag",
         description=f"tag it with {{'{TAG}': <stack name>}} (the component's `tags`), or set the tag in the "
                     "stack's aws:defaultTags",
         types=TAGGABLE, check=tag_problems),
]
