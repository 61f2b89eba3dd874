import type { Image, Subnet, Tag, Vpc } from '@aws-sdk/client-ec2';
import type { FakeAccount } from './account';
import {
  answerQuery,
  AwsError,
  ec2Tags,
  filters,
  indexed,
  pagedList,
  passesFilters,
  tagFilterValues,
  type AwsAnswer,
  type AwsRequest,
  type Paging,
  type QueryService,
} from './protocol';
import { camelCase, fields, type Xml } from './xml';

const PAGING: Paging = { size: 'MaxResults', token: 'NextToken', defaultSize: 1000, nextTag: 'nextToken' };

const EC2: QueryService<FakeAccount> = {
  version: '2016-11-15',
  xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  ec2: true,
  actions: {
    DescribeVpcs: (params, account) => {
      const ids = indexed(params, 'VpcId');
      const found = byIds(account.vpcs, ids, (vpc) => vpc.VpcId, 'InvalidVpcID.NotFound', 'vpc');
      return filteredPage(params, found, vpcValues, 'vpcSet', vpcXml);
    },
    DescribeSubnets: (params, account) => {
      const ids = indexed(params, 'SubnetId');
      const found = byIds(account.subnets, ids, (subnet) => subnet.SubnetId, 'InvalidSubnetID.NotFound', 'subnet');
      return filteredPage(params, found, subnetValues, 'subnetSet', subnetXml);
    },
    DescribeImages: (params, account) => {
      const ids = indexed(params, 'ImageId');
      const owners = indexed(params, 'Owner');
      const found = byIds(account.images, ids, (image) => image.ImageId, 'InvalidAMIID.NotFound', 'image');
      const visible = found.filter(
        (image) =>
          (image.Public || image.OwnerId === account.accountId || ids.length > 0) &&
          (owners.length === 0 || owners.some((owner) => ownedBy(image, owner, account.accountId))),
      );
      return filteredPage(params, visible, imageValues, 'imagesSet', imageXml);
    },
  },
};

/** EC2's query/XML API: `DescribeVpcs`, `DescribeSubnets`, `DescribeImages` with filters and owners. */
export function answerEc2(request: AwsRequest, account: FakeAccount): AwsAnswer {
  return answerQuery(EC2, request, account);
}

function byIds<T>(items: readonly T[], ids: readonly string[], idOf: (item: T) => string | undefined, code: string, kind: string): T[] {
  if (ids.length === 0) return [...items];
  const missing = ids.filter((id) => !items.some((item) => idOf(item) === id));
  if (missing.length > 0) throw new AwsError(code, `The ${kind} ID '${missing.join("', '")}' does not exist`);
  return items.filter((item) => ids.includes(idOf(item) ?? ''));
}

/** One page of the `items` that pass the request's filters, as `<setTag><item>...</item></setTag>` and `<nextToken>`. */
function filteredPage<T>(
  params: URLSearchParams,
  items: readonly T[],
  valuesOf: (item: T, name: string) => readonly string[] | undefined,
  setTag: string,
  render: (item: T) => Xml,
): Xml {
  const requested = filters(params);
  const passing = items.filter((item) => passesFilters(requested, (name) => valuesOf(item, name)));
  return pagedList(params, PAGING, setTag, 'item', passing, render);
}

/** The owner aliases EC2 DescribeImages accepts besides `self`. */
export const OWNER_ALIASES: readonly string[] = ['amazon', 'aws-backup-vault', 'aws-marketplace'];

/** Whether `owner` of DescribeImages' `Owners` (an account id, `self` or an alias) owns the image. */
export function ownedBy(image: Image, owner: string, accountId: string): boolean {
  if (owner === 'self') return image.OwnerId === accountId;
  if (OWNER_ALIASES.includes(owner)) return image.ImageOwnerAlias === owner;
  return image.OwnerId === owner;
}

/** The filter names VPCs and subnets share, with the field each reads. */
const NETWORK_FILTERS = { 'vpc-id': 'VpcId', state: 'State', 'cidr-block': 'CidrBlock', 'owner-id': 'OwnerId' } as const;

/** EC2's filter names for a VPC's fields. */
const VPC_FILTERS = {
  ...NETWORK_FILTERS,
  cidr: 'CidrBlock',
  'dhcp-options-id': 'DhcpOptionsId',
  'is-default': 'IsDefault',
} as const satisfies Record<string, keyof Vpc>;

/** EC2's filter names for a subnet's fields. */
const SUBNET_FILTERS = {
  ...NETWORK_FILTERS,
  'subnet-id': 'SubnetId',
  'availability-zone': 'AvailabilityZone',
  'availability-zone-id': 'AvailabilityZoneId',
  'default-for-az': 'DefaultForAz',
} as const satisfies Record<string, keyof Subnet>;

/** EC2's filter names for an image's fields. */
const IMAGE_FILTERS = {
  'image-id': 'ImageId',
  name: 'Name',
  state: 'State',
  architecture: 'Architecture',
  'owner-id': 'OwnerId',
  'owner-alias': 'ImageOwnerAlias',
  'image-type': 'ImageType',
  'is-public': 'Public',
  'root-device-type': 'RootDeviceType',
  'virtualization-type': 'VirtualizationType',
  hypervisor: 'Hypervisor',
  description: 'Description',
} as const satisfies Record<string, keyof Image>;

/** A VPC's values for an EC2 filter name; `undefined` for a name EC2 rejects. */
export function vpcValues(vpc: Vpc, name: string): readonly string[] | undefined {
  return filterValues(vpc, VPC_FILTERS, name);
}

/** A subnet's values for an EC2 filter name; `undefined` for a name EC2 rejects. */
export function subnetValues(subnet: Subnet, name: string): readonly string[] | undefined {
  return filterValues(subnet, SUBNET_FILTERS, name);
}

/** An image's values for an EC2 filter name; `undefined` for a name EC2 rejects. */
export function imageValues(image: Image, name: string): readonly string[] | undefined {
  return filterValues(image, IMAGE_FILTERS, name);
}

/** The value of the field a filter name reads (none when the item lacks it), or of the tags a tag filter reads. */
function filterValues<T extends { readonly Tags?: Tag[] }>(item: T, filters: Readonly<Record<string, keyof T>>, name: string): string[] | undefined {
  if (!Object.hasOwn(filters, name)) return tagFilterValues(name, item.Tags);
  const value = item[filters[name]];
  return value === undefined ? [] : [String(value)];
}

function vpcXml(vpc: Vpc): Xml {
  return [...fields(vpc, ['VpcId', 'OwnerId', 'State', 'CidrBlock', 'DhcpOptionsId', 'InstanceTenancy', 'IsDefault'], camelCase), ec2Tags(vpc.Tags)];
}

function subnetXml(subnet: Subnet): Xml {
  const names = ['SubnetId', 'SubnetArn', 'VpcId', 'OwnerId', 'State', 'CidrBlock', 'AvailableIpAddressCount', 'AvailabilityZone', 'AvailabilityZoneId', 'DefaultForAz', 'MapPublicIpOnLaunch'] as const;
  return [...fields(subnet, names, camelCase), ec2Tags(subnet.Tags)];
}

/** The image fields DescribeImages names otherwise than by their SDK name. */
const IMAGE_TAGS: Readonly<Record<string, string>> = { State: 'imageState', OwnerId: 'imageOwnerId', Public: 'isPublic' };

function imageXml(image: Image): Xml {
  const names = [
    'ImageId', 'ImageLocation', 'State', 'OwnerId', 'CreationDate', 'Public', 'Architecture', 'ImageType', 'SriovNetSupport', 'ImageOwnerAlias', 'Name',
    'Description', 'RootDeviceType', 'RootDeviceName', 'VirtualizationType', 'Hypervisor', 'EnaSupport', 'BootMode', 'PlatformDetails', 'UsageOperation',
    'DeprecationTime',
  ] as const;
  return [...fields(image, names, (name) => IMAGE_TAGS[name] ?? camelCase(name)), ec2Tags(image.Tags)];
}
