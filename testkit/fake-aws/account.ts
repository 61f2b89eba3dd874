import type { CertificateSummary } from '@aws-sdk/client-acm';
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { Stack, StackEvent, StackResourceDetail } from '@aws-sdk/client-cloudformation';
import type { FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import type { Image, Subnet, Vpc } from '@aws-sdk/client-ec2';
import type { CacheCluster, ReplicationGroup } from '@aws-sdk/client-elasticache';
import type { ServerCertificateMetadata } from '@aws-sdk/client-iam';
import type { HostedZone, VPC } from '@aws-sdk/client-route-53';

/** A hosted zone with what `GetHostedZone` adds: name servers (public) or VPCs (private). */
export interface FakeHostedZone {
  readonly zone: HostedZone;
  readonly nameServers?: readonly string[];
  readonly vpcs?: readonly VPC[];
}

/**
 * What the fake AWS account holds, in the SDK's own shapes, so the fixture
 * reads like what `aws ... describe-*` prints.
 */
export interface FakeAccount {
  readonly accountId: string;
  readonly region: string;
  readonly hostedZones: readonly FakeHostedZone[];
  readonly vpcs: readonly Vpc[];
  readonly subnets: readonly Subnet[];
  readonly images: readonly Image[];
  readonly cacheClusters: readonly CacheCluster[];
  readonly replicationGroups: readonly ReplicationGroup[];
  readonly stacks: readonly Stack[];
  readonly serverCertificates: readonly ServerCertificateMetadata[];
  /** ACM certificates by region: CloudFront's are in us-east-1 whatever the stack's region. */
  readonly acmCertificates: ReadonlyArray<{ readonly region: string; readonly certificate: CertificateSummary }>;
  /** Each stack's resources by stack name, with their metadata as CloudFormation returns it (JSON text, intrinsics resolved). */
  readonly stackResources?: Readonly<Record<string, readonly StackResourceDetail[]>>;
  /** Each stack's events by stack name, newest first, as `DescribeStackEvents` lists them. */
  readonly stackEvents?: Readonly<Record<string, readonly StackEvent[]>>;
  readonly autoScalingGroups?: readonly AutoScalingGroup[];
  /** The instances registered with Systems Manager, and what each prints for the commands it is sent. */
  readonly managedInstances?: readonly FakeManagedInstance[];
  /** CloudWatch Logs events by log group and stream. */
  readonly logStreams?: readonly FakeLogStream[];
}

/** What one script, sent with `AWS-RunShellScript`, prints on an instance, and its exit status. */
export interface FakeCommandOutput {
  readonly script: string;
  readonly stdout: string;
  readonly stderr?: string;
  readonly exitCode?: number;
}

/** An instance whose SSM agent is registered; a script it holds no output for fails as the shell would, with 127. */
export interface FakeManagedInstance {
  readonly instanceId: string;
  readonly outputs: readonly FakeCommandOutput[];
}

export interface FakeLogStream {
  readonly group: string;
  readonly stream: string;
  readonly events: readonly FilteredLogEvent[];
}
