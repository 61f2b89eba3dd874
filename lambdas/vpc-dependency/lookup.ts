import {
  DescribeVpcsCommand,
  paginateDescribeSubnets,
  paginateDescribeVpcs,
  type EC2Client,
  type Filter,
  type Subnet,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { toData } from '../shared/data';
import { LookupError } from '../shared/errors';
import { allItems } from '../shared/pages';
import { show } from '../../contracts/text';
import { compareText, listSome } from '../../contracts/text';
import type { Data, LookupContext, LookupResult } from '../shared/definition';
import type { Parsed } from '../../contracts/properties';
import type { schema } from '../../contracts/vpc-dependency/contract';

/** The properties of a `Custom::VpcDependency`, parsed. */
export type VpcProperties = Parsed<typeof schema>;

/** The SDK clients the lookup sends its calls with. */
export interface VpcClients {
  readonly ec2: EC2Client;
}

const VPC_ID = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;

/** How many VPCs a message names before saying how many more there are. */
const LISTED = 5;

/**
 * Finds the VPC `VpcName` names (its Name tag, `default` or its id) with a
 * server-side filter, then its subnets, sorted by availability zone and id.
 */
export async function lookupVpc({ ec2 }: VpcClients, props: VpcProperties, { abortSignal }: LookupContext): Promise<LookupResult> {
  const vpc = await findVpc(ec2, props.VpcName, abortSignal);
  const vpcId = vpc.VpcId ?? '';
  const onlyDefault = props.OnlyDefaultSubnets ?? false;
  const subnets = sortSubnets(await listSubnets(ec2, vpcId, onlyDefault, abortSignal));
  if (onlyDefault && subnets.length === 0) {
    throw new LookupError(
      `VPC ${vpcId} has no default subnets, as only the default VPC has them; leave out OnlyDefaultSubnets or set it to false`,
    );
  }
  return { id: vpcId, data: vpcData(vpc, subnets) };
}

/** The attributes of a VPC and its subnets, given in the order they should be numbered. */
export function vpcData(vpc: Vpc, subnets: readonly Subnet[]): Data {
  const subnetIds = subnets.map((subnet) => subnet.SubnetId ?? '');
  return toData({
    VpcId: vpc.VpcId,
    State: vpc.State,
    CidrBlock: vpc.CidrBlock,
    DhcpOptionsId: vpc.DhcpOptionsId,
    InstanceTenancy: vpc.InstanceTenancy,
    IsDefault: vpc.IsDefault ?? false,
    SubnetIds: subnetIds,
    ...Object.fromEntries(subnetIds.map((id, i) => [`SubnetId${i}`, id])),
    Subnets: subnetIds,
    AvailabilityZones: subnets.map((subnet) => subnet.AvailabilityZone ?? ''),
    SubnetCount: subnets.length,
  });
}

/** Subnets by availability zone, then id, so that `SubnetId0` stays the same from one lookup to the next. */
export function sortSubnets(subnets: readonly Subnet[]): Subnet[] {
  return [...subnets].sort(
    (a, b) => compareText(a.AvailabilityZone, b.AvailabilityZone) || compareText(a.SubnetId, b.SubnetId),
  );
}

/** The filter for what `VpcName` means: the default VPC, a VPC id, or else a Name tag, taken literally. */
export function vpcFilter(vpcName: string): Filter {
  if (vpcName === 'default') return { Name: 'is-default', Values: ['true'] };
  if (VPC_ID.test(vpcName)) return { Name: 'vpc-id', Values: [vpcName] };
  return { Name: 'tag:Name', Values: [escapeFilterValue(vpcName)] };
}

/**
 * Name tag patterns for VPCs named like `name`: containing it, or one of its
 * words in lower case, upper case or capitalized (EC2 filters are case-sensitive).
 */
export function similarNamePatterns(name: string): string[] {
  const words = name
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length >= 3)
    .slice(0, 3);
  const variants = words.flatMap((word) => [
    word.toLowerCase(),
    word.toUpperCase(),
    word[0].toUpperCase() + word.slice(1).toLowerCase(),
  ]);
  return [...new Set([name, ...variants])].map((variant) => `*${escapeFilterValue(variant)}*`);
}

async function findVpc(ec2: EC2Client, vpcName: string, abortSignal: AbortSignal): Promise<Vpc> {
  const filter = vpcFilter(vpcName);
  const vpcs = await allItems(paginateDescribeVpcs({ client: ec2 }, { Filters: [filter] }, { abortSignal }), (page) => page.Vpcs);
  if (vpcs.length === 1) return vpcs[0];

  const region = await ec2.config.region();
  if (vpcs.length > 1) {
    const list = listSome(vpcs.map((vpc) => `${vpc.VpcId} (${vpc.CidrBlock})`), LISTED);
    throw new LookupError(`${vpcs.length} VPCs have the Name tag ${show(vpcName)} in ${region}: ${list}; give the VPC id instead`);
  }
  if (filter.Name === 'is-default') {
    throw new LookupError(`there is no default VPC in ${region}; give the VPC's Name tag or id instead`);
  }
  if (filter.Name === 'vpc-id') {
    throw new LookupError(`no VPC has the id ${vpcName} in ${region}; check the account and region the stack is deployed to`);
  }

  const similar = await ec2.send(
    new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: similarNamePatterns(vpcName) }] }),
    { abortSignal },
  );
  const named = (similar.Vpcs ?? [])
    .map((vpc) => ({ name: nameTag(vpc), id: vpc.VpcId ?? '' }))
    .sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id));
  if (named.length === 0) {
    throw new LookupError(
      `no VPC has the Name tag ${show(vpcName)} in ${region}; give the Name tag exactly (it is case-sensitive), default, or a VPC id`,
    );
  }
  const list = listSome(named.map((vpc) => `${vpc.name} (${vpc.id})`), LISTED);
  throw new LookupError(`no VPC has the Name tag ${show(vpcName)} in ${region}; VPCs with similar names: ${list}`);
}

async function listSubnets(ec2: EC2Client, vpcId: string, onlyDefault: boolean, abortSignal: AbortSignal): Promise<Subnet[]> {
  const filters: Filter[] = [{ Name: 'vpc-id', Values: [vpcId] }];
  if (onlyDefault) filters.push({ Name: 'default-for-az', Values: ['true'] });
  return allItems(paginateDescribeSubnets({ client: ec2 }, { Filters: filters }, { abortSignal }), (page) => page.Subnets);
}

/** EC2 filter values treat `*`, `?` and `\` as wildcards and escape; a backslash makes them literal. */
function escapeFilterValue(value: string): string {
  return value.replace(/[\\*?]/g, '\\$&');
}

function nameTag(vpc: Vpc): string {
  return vpc.Tags?.find((tag) => tag.Key === 'Name')?.Value ?? '';
}
