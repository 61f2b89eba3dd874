import type { CertificateSummary } from '@aws-sdk/client-acm';
import type { Stack } from '@aws-sdk/client-cloudformation';
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
}
