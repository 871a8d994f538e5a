"""What the CI roles may do: pure documents, components/cicd/cicd.py attaches them.

preview (pull requests): read the stack's state and decrypt its secrets with the state key, plus
the few reads `pulumi preview` makes (the AMI and zone lookups, the caller's identity). Not AWS's
ReadOnlyAccess: that one reads every SSM parameter and every S3 object of the account, and a pull
request's code runs in that job.

deploy (the protected environment): what `pulumi up` needs for this stack, scoped where AWS lets a
policy scope it:
- by ARN: the state objects of this stack, the state key, this stack's image repository, its SSM
  parameter path and Secrets Manager names, its log group, the stack's KMS keys;
- by tag (`odoo-ladder:stack=<stack>`, aws:RequestTag on create, aws:ResourceTag afterwards): EC2,
  the host's IAM role (also by its name prefix, host-role-*), SSM documents;
- on "*", because the API has no resource to scope (docs/step6.md lists them with the reason):
  EC2/IAM/KMS reads (Describe*/List*), ecr:GetAuthorizationToken, route53 changes (scoped by
  hosted zone only when the stack names one), S3 bucket creation (scoped by name prefix).
No KMS key is created from CI: a move that adds one runs from an administrator's `pulumi up`.
An explicit Deny keeps the deploy role away from every CI role and the OIDC provider: otherwise a
job in the environment could widen its own rights.
"""
from __future__ import annotations

from typing import Optional, Sequence

from components.cicd.names import STACK_TAG, ClusterNames, ci_role_pattern, state_prefixes
from components.delivery.artifact_bucket import bucket_prefix

READS = ["ec2:DescribeImages", "ec2:DescribeAvailabilityZones"]  # getAmi, getAvailabilityZones


def _tagged(stack: str, kind: str = "ResourceTag") -> dict:
    return {"StringEquals": {f"aws:{kind}/{STACK_TAG}": stack}}


def state_statements(bucket: str, key_arn: str, stack: str, write: bool) -> list[dict]:
    objects = [f"arn:aws:s3:::{bucket}/{p}" for p in state_prefixes(stack)]
    statements = [
        {"Sid": "StateList", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
         "Resource": f"arn:aws:s3:::{bucket}"},
        {"Sid": "StateRead", "Effect": "Allow", "Action": "s3:GetObject",
         "Resource": [f"arn:aws:s3:::{bucket}/.pulumi/meta.yaml", *objects]},
        {"Sid": "StateKey", "Effect": "Allow",
         "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"] if write else "kms:Decrypt",
         "Resource": key_arn},
    ]
    if write:
        statements.append({"Sid": "StateWrite", "Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"],
                           "Resource": objects})
    return statements


def preview_policy(stack: str, state_bucket: str, state_key_arn: str) -> dict:
    return {"Version": "2012-10-17", "Statement": [
        *state_statements(state_bucket, state_key_arn, stack, write=False),
        {"Sid": "PreviewLookups", "Effect": "Allow", "Action": READS, "Resource": "*"},
    ]}


def push_policy(repository_arn: str) -> dict:
    """Push and read back this repository's images; the token call has no resource."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "RegistryToken", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {"Sid": "PushThisRepository", "Effect": "Allow", "Resource": repository_arn, "Action": [
            "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
            "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
            "ecr:DescribeImages", "ecr:DescribeImageScanFindings", "ecr:DescribeRepositories",
            "ecr:PutLifecyclePolicy", "ecr:GetLifecyclePolicy", "ecr:PutImageScanningConfiguration",
            "ecr:PutImageTagMutability", "ecr:ListTagsForResource", "ecr:TagResource", "ecr:UntagResource",
            "ecr:CreateRepository"]},
    ]}


def deploy_state_policy(stack: str, state_bucket: str, state_key_arn: str) -> dict:
    return {"Version": "2012-10-17", "Statement": state_statements(state_bucket, state_key_arn, stack, write=True)}


# Reads the AWS provider makes while planning and refreshing; EC2's Describe calls take no resource.
EC2_READS = ["ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeInternetGateways",
             "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules",
             "ec2:DescribeInstances", "ec2:DescribeInstanceTypes",
             "ec2:DescribeInstanceCreditSpecifications", "ec2:DescribeVolumes", "ec2:DescribeAddresses",
             "ec2:DescribeAddressesAttribute", "ec2:DescribeImages", "ec2:DescribeAvailabilityZones",
             "ec2:DescribeTags", "ec2:DescribeNetworkInterfaces", "ec2:DescribeAccountAttributes",
             "ec2:DescribeNetworkAcls"]
# The EC2 calls that change what the stack created (network, host, data volume, address).
EC2_CHANGES = ["ec2:ModifyVpcAttribute", "ec2:DeleteVpc", "ec2:ModifySubnetAttribute", "ec2:DeleteSubnet",
               "ec2:AttachInternetGateway", "ec2:DetachInternetGateway", "ec2:DeleteInternetGateway",
               "ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute", "ec2:AssociateRouteTable",
               "ec2:DisassociateRouteTable", "ec2:DeleteRouteTable", "ec2:AuthorizeSecurityGroupIngress",
               "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
               "ec2:DeleteSecurityGroup", "ec2:AttachVolume", "ec2:DetachVolume", "ec2:ModifyVolume",
               "ec2:DeleteVolume", "ec2:ModifyInstanceAttribute", "ec2:ModifyInstanceMetadataOptions",
               "ec2:StartInstances", "ec2:StopInstances", "ec2:TerminateInstances", "ec2:AssociateAddress",
               "ec2:DisassociateAddress", "ec2:ReleaseAddress", "ec2:CreateTags", "ec2:DeleteTags"]
EC2_CREATED = ["vpc", "subnet", "internet-gateway", "route-table", "security-group", "volume", "elastic-ip", "instance"]
S3_BUCKET_ACTIONS = ["s3:CreateBucket", "s3:ListBucket", "s3:GetBucket*", "s3:GetLifecycleConfiguration",
                     "s3:GetEncryptionConfiguration", "s3:GetReplicationConfiguration",
                     "s3:GetAccelerateConfiguration", "s3:PutBucketVersioning", "s3:PutBucketPolicy",
                     "s3:DeleteBucketPolicy", "s3:PutBucketPublicAccessBlock", "s3:PutEncryptionConfiguration",
                     "s3:PutLifecycleConfiguration", "s3:PutBucketTagging", "s3:PutBucketObjectLockConfiguration",
                     "s3:PutBucketOwnershipControls"]


# The statements of the compute part (EC2 and the host's IAM role); the rest is the data part.
COMPUTE_SIDS = ("Reads", "Ec2ReadAttributes", "ReadsByArn", "Ec2CreateTagged", "Ec2LaunchInputs", "Ec2ChangeTagged",
                "IamCreateTaggedRole", "IamChangeTaggedRole", "IamPassTaggedRoleToEc2", "IamInstanceProfiles")


def deploy_infrastructure_policies(stack: str, region: str, account: str, dns_zone_id: Optional[str],
                                   key_arns: Sequence[str] = ()) -> dict:
    """Two managed policies (6,144 characters each): `compute` and `data`."""
    statements = deploy_infrastructure_policy(stack, region, account, dns_zone_id, key_arns)["Statement"]
    return {part: {"Version": "2012-10-17", "Statement": [s for s in statements if (s["Sid"] in COMPUTE_SIDS) == wanted]}
            for part, wanted in (("compute", True), ("data", False))}


def deploy_infrastructure_policy(stack: str, region: str, account: str, dns_zone_id: Optional[str],
                                 key_arns: Sequence[str] = ()) -> dict:
    """`pulumi up` for the stack's own resources (docs/step6.md: what is scoped and how).

    key_arns: the stack's KMS keys (its own, and the backups' from step 4). Keys are used and managed
    by ARN, never by tag: a right to tag keys would let a deploy tag any key of the account with the
    stack tag and then decrypt with it. New keys (a move that adds one) come from an administrator's
    `pulumi up`, like the first one."""
    here = f"{region}:{account}"
    # The host role's auto-name (components/host: `host-role-<random>`): a right on every role by tag
    # alone would let a deploy tag any role of the account, then pass it to an instance it launches.
    host_roles = f"arn:aws:iam::{account}:role/host-role-*"
    statements = [
        {"Sid": "Reads", "Effect": "Allow", "Resource": "*", "Action": [
            *EC2_READS, "kms:ListAliases", "ssm:DescribeParameters", "logs:DescribeLogGroups"]},
        {"Sid": "Ec2ReadAttributes", "Effect": "Allow",
         "Action": ["ec2:DescribeInstanceAttribute", "ec2:DescribeVpcAttribute"],
         "Resource": [f"arn:aws:ec2:{here}:instance/*", f"arn:aws:ec2:{here}:vpc/*"]},
        {"Sid": "ReadsByArn", "Effect": "Allow", "Action": [
            "iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
            "iam:GetInstanceProfile", "iam:ListInstanceProfilesForRole"],
         "Resource": [f"arn:aws:iam::{account}:role/*", f"arn:aws:iam::{account}:instance-profile/*"]},
        {"Sid": "Ec2CreateTagged", "Effect": "Allow", "Condition": _tagged(stack, "RequestTag"),
         "Resource": [f"arn:aws:ec2:{here}:{kind}/*" for kind in EC2_CREATED],
         "Action": ["ec2:CreateVpc", "ec2:CreateSubnet", "ec2:CreateInternetGateway", "ec2:CreateRouteTable",
                    "ec2:CreateSecurityGroup", "ec2:CreateVolume", "ec2:AllocateAddress", "ec2:RunInstances",
                    "ec2:CreateTags"]},
        # RunInstances also touches the AMI, the subnet, the group and a new interface; the instance
        # it makes must carry the stack tag (above), so these alone launch nothing.
        {"Sid": "Ec2LaunchInputs", "Effect": "Allow", "Action": "ec2:RunInstances",
         "Resource": [f"arn:aws:ec2:{region}::image/*", f"arn:aws:ec2:{here}:subnet/*",
                      f"arn:aws:ec2:{here}:security-group/*", f"arn:aws:ec2:{here}:network-interface/*",
                      f"arn:aws:ec2:{here}:volume/*"]},
        {"Sid": "Ec2ChangeTagged", "Effect": "Allow", "Condition": _tagged(stack),
         "Resource": [f"arn:aws:ec2:{here}:{kind}/*" for kind in EC2_CREATED], "Action": EC2_CHANGES},
        {"Sid": "IamCreateTaggedRole", "Effect": "Allow", "Action": ["iam:CreateRole", "iam:TagRole"],
         "Resource": host_roles, "Condition": _tagged(stack, "RequestTag")},
        {"Sid": "IamChangeTaggedRole", "Effect": "Allow", "Resource": host_roles,
         "Condition": _tagged(stack), "Action": [
             "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:TagRole",
             "iam:UntagRole", "iam:DeleteRole"]},
        {"Sid": "IamPassTaggedRoleToEc2", "Effect": "Allow", "Action": "iam:PassRole",
         "Resource": host_roles,
         "Condition": {"StringEquals": {f"aws:ResourceTag/{STACK_TAG}": stack,
                                        "iam:PassedToService": "ec2.amazonaws.com"}}},
        # Instance profiles take no tags from the program: scoped by the host component's name.
        {"Sid": "IamInstanceProfiles", "Effect": "Allow",
         "Resource": f"arn:aws:iam::{account}:instance-profile/host-profile-*", "Action": [
             "iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:AddRoleToInstanceProfile",
             "iam:RemoveRoleFromInstanceProfile"]},
        {"Sid": "KmsUseStackKeys", "Effect": "Allow", "Resource": list(key_arns) or f"arn:aws:kms:{here}:key/none",
         "Action": [
             "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags",
             "kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:UpdateKeyDescription", "kms:TagResource",
             "kms:UntagResource", "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant",
             "kms:CreateAlias", "kms:UpdateAlias"]},
        # An alias call needs the alias and the key: the key by tag above, the alias by name here.
        {"Sid": "KmsStackAlias", "Effect": "Allow", "Action": ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"],
         "Resource": f"arn:aws:kms:{here}:alias/odoo-ladder-*"},
        {"Sid": "StackParameters", "Effect": "Allow", "Resource": f"arn:aws:ssm:{here}:parameter/odoo-ladder/{stack}/*",
         "Action": ["ssm:PutParameter", "ssm:GetParameter", "ssm:GetParameters", "ssm:DeleteParameter",
                    "ssm:AddTagsToResource", "ssm:RemoveTagsFromResource", "ssm:ListTagsForResource"]},
        {"Sid": "StackSecrets", "Effect": "Allow",
         "Resource": f"arn:aws:secretsmanager:{here}:secret:odoo-ladder/{stack}/*", "Action": [
             "secretsmanager:CreateSecret", "secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue",
             "secretsmanager:GetSecretValue", "secretsmanager:UpdateSecret", "secretsmanager:TagResource",
             "secretsmanager:DeleteSecret", "secretsmanager:GetResourcePolicy"]},
        {"Sid": "SsmDocumentsTagged", "Effect": "Allow", "Resource": f"arn:aws:ssm:{here}:document/*",
         "Condition": _tagged(stack), "Action": [
             "ssm:DescribeDocument", "ssm:GetDocument", "ssm:DescribeDocumentPermission", "ssm:UpdateDocument",
             "ssm:UpdateDocumentDefaultVersion", "ssm:DeleteDocument", "ssm:AddTagsToResource",
             "ssm:ListTagsForResource", "ssm:CreateAssociation", "ssm:UpdateAssociation"]},
        {"Sid": "SsmCreateTaggedDocument", "Effect": "Allow", "Action": ["ssm:CreateDocument", "ssm:AddTagsToResource"],
         "Resource": f"arn:aws:ssm:{here}:document/*", "Condition": _tagged(stack, "RequestTag")},
        # An association call needs the document (tagged, above), the instance (tagged) and the association.
        {"Sid": "SsmAssociationOnStackInstances", "Effect": "Allow", "Condition": _tagged(stack),
         "Action": ["ssm:CreateAssociation", "ssm:UpdateAssociation"],
         "Resource": f"arn:aws:ec2:{here}:instance/*"},
        {"Sid": "SsmAssociations", "Effect": "Allow", "Resource": f"arn:aws:ssm:{here}:association/*",
         "Action": ["ssm:CreateAssociation", "ssm:UpdateAssociation", "ssm:DescribeAssociation",
                    "ssm:DeleteAssociation"]},
        {"Sid": "StackBuckets", "Effect": "Allow", "Action": S3_BUCKET_ACTIONS,
         "Resource": [f"arn:aws:s3:::{bucket_prefix(stack)}*", "arn:aws:s3:::backup-bucket-*"]},
        {"Sid": "StackBundles", "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
         "Resource": f"arn:aws:s3:::{bucket_prefix(stack)}*/*"},
        {"Sid": "StackLogGroup", "Effect": "Allow", "Resource": f"arn:aws:logs:{here}:log-group:/odoo-ladder/{stack}*",
         "Action": ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:DeleteLogGroup",
                    "logs:TagResource", "logs:ListTagsForResource"]},
    ]
    if dns_zone_id:
        statements += [{"Sid": "StackZoneRecords", "Effect": "Allow",
                        "Action": ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets",
                                   "route53:GetHostedZone"],
                        "Resource": f"arn:aws:route53:::hostedzone/{dns_zone_id}"},
                       {"Sid": "Route53Changes", "Effect": "Allow", "Action": "route53:GetChange",
                        "Resource": "arn:aws:route53:::change/*"}]
    return {"Version": "2012-10-17", "Statement": statements}


def deny_ci_identity_changes(account: str) -> dict:
    """No job may change a CI role or the OIDC provider: an administrator applies those from a laptop."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "NoCiIdentityChanges", "Effect": "Deny", "NotAction": ["iam:Get*", "iam:List*"],
        "Resource": [f"arn:aws:iam::{account}:role/{ci_role_pattern()}",
                     f"arn:aws:iam::{account}:oidc-provider/*"]}]}


# Step 7 (components/cluster): the reads `pulumi up` makes to refresh and diff the cluster's resources.
# These Describe/List/Get calls take no resource, or only one `pulumi up` could not name before reading.
CLUSTER_READS = [
    "ecs:DescribeClusters", "ecs:DescribeServices", "ecs:DescribeTaskDefinition", "ecs:ListTagsForResource",
    "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes",
    "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes",
    "elasticloadbalancing:DescribeListenerCertificates", "elasticloadbalancing:DescribeRules",
    "elasticloadbalancing:DescribeTags", "elasticfilesystem:DescribeFileSystems",
    "elasticfilesystem:DescribeAccessPoints", "elasticfilesystem:DescribeMountTargets",
    "elasticfilesystem:DescribeMountTargetSecurityGroups", "elasticfilesystem:DescribeLifecycleConfiguration",
    "elasticfilesystem:DescribeBackupPolicy", "elasticfilesystem:DescribeFileSystemPolicy",
    "elasticfilesystem:ListTagsForResource", "acm:DescribeCertificate", "acm:ListTagsForCertificate",
    "application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies",
    "application-autoscaling:ListTagsForResource", "cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource",
    "cloudwatch:GetDashboard", "sns:GetTopicAttributes", "sns:ListTagsForResource", "sns:GetSubscriptionAttributes",
    "scheduler:GetSchedule", "logs:DescribeMetricFilters", "ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists"]
def cluster_deploy_policy(stack: str, region: str, account: str, names: ClusterNames) -> dict:
    """Step 7's image deploy from CI (docs/step6.md, docs/step7.md): new task-definition revisions of the
    stack's families, its two services moved onto them, the one-off upgrade task run and watched on its
    cluster, and the stack's task roles passed to ECS. Nothing here creates a load balancer, a file
    system, a cluster or a service: the move 6->7 runs from an administrator's `pulumi up`."""
    here = f"{region}:{account}"
    cluster = names.cluster
    families = [f"arn:aws:ecs:{here}:task-definition/{f}:*" for f in names.families]
    # Auto-named (cluster-tasks-execution-*, -web-*, -cron-*): the prefix and the stack tag together, as the
    # host role's; the deploy role can tag no role of that prefix, so it cannot bring a foreign one in.
    task_roles = f"arn:aws:iam::{account}:role/cluster-tasks-*"
    named_roles = [f"arn:aws:iam::{account}:role/{role}" for role in names.named_task_roles]
    to_ecs = {"iam:PassedToService": "ecs-tasks.amazonaws.com"}
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "ClusterReads", "Effect": "Allow", "Resource": "*", "Action": CLUSTER_READS},
        {"Sid": "EcsTaskDefinitions", "Effect": "Allow", "Resource": families, "Action": [
            "ecs:RegisterTaskDefinition", "ecs:TagResource", "ecs:UntagResource"]},
        # DeregisterTaskDefinition takes no resource in IAM: "*" is all a policy can say.
        {"Sid": "EcsDeregister", "Effect": "Allow", "Resource": "*", "Action": "ecs:DeregisterTaskDefinition"},
        {"Sid": "EcsStackServices", "Effect": "Allow",
         "Resource": [f"arn:aws:ecs:{here}:service/{cluster}/{service}" for service in names.services],
         "Action": ["ecs:UpdateService", "ecs:DescribeServices", "ecs:TagResource", "ecs:UntagResource"]},
        {"Sid": "EcsRunUpgrade", "Effect": "Allow",
         "Resource": f"arn:aws:ecs:{here}:task-definition/{names.upgrade_family}:*", "Action": "ecs:RunTask",
         "Condition": {"ArnEquals": {"ecs:cluster": f"arn:aws:ecs:{here}:cluster/{cluster}"}}},
        {"Sid": "EcsWatchTasks", "Effect": "Allow", "Resource": f"arn:aws:ecs:{here}:task/{cluster}/*",
         "Action": ["ecs:DescribeTasks", "ecs:StopTask"]},
        {"Sid": "IamPassTaskRolesToEcs", "Effect": "Allow", "Action": "iam:PassRole", "Resource": task_roles,
         "Condition": {"StringEquals": {f"aws:ResourceTag/{STACK_TAG}": stack, **to_ecs}}},
        {"Sid": "IamPassNamedTaskRolesToEcs", "Effect": "Allow", "Action": "iam:PassRole", "Resource": named_roles,
         "Condition": {"StringEquals": to_ecs}},
        # The backup schedule targets the backup family's newest revision (components/cluster/backup_task.py).
        {"Sid": "BackupSchedule", "Effect": "Allow", "Action": "scheduler:UpdateSchedule",
         "Resource": f"arn:aws:scheduler:{here}:schedule/default/{names.schedule}"},
        {"Sid": "IamPassSchedulerRole", "Effect": "Allow", "Action": "iam:PassRole",
         "Resource": f"arn:aws:iam::{account}:role/cluster-backup-scheduler-*",
         "Condition": {"StringEquals": {f"aws:ResourceTag/{STACK_TAG}": stack,
                                        "iam:PassedToService": "scheduler.amazonaws.com"}}},
    ]}
