import type { Image, Subnet, Vpc } from '@aws-sdk/client-ec2';
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
import { el, type Xml } from './xml';

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

/** A VPC's values for an EC2 filter name; `undefined` for a name EC2 rejects. */
export function vpcValues(vpc: Vpc, name: string): readonly string[] | undefined {
  const values: Record<string, Array<string | boolean | undefined>> = {
    'vpc-id': [vpc.VpcId],
    state: [vpc.State],
    'cidr-block': [vpc.CidrBlock],
    cidr: [vpc.CidrBlock],
    'dhcp-options-id': [vpc.DhcpOptionsId],
    'is-default': [vpc.IsDefault],
    'owner-id': [vpc.OwnerId],
  };
  return known(values, name) ?? tagFilterValues(name, vpc.Tags);
}

/** A subnet's values for an EC2 filter name; `undefined` for a name EC2 rejects. */
export function subnetValues(subnet: Subnet, name: string): readonly string[] | undefined {
  const values: Record<string, Array<string | boolean | undefined>> = {
    'subnet-id': [subnet.SubnetId],
    'vpc-id': [subnet.VpcId],
    state: [subnet.State],
    'availability-zone': [subnet.AvailabilityZone],
    'availability-zone-id': [subnet.AvailabilityZoneId],
    'cidr-block': [subnet.CidrBlock],
    'default-for-az': [subnet.DefaultForAz],
    'owner-id': [subnet.OwnerId],
  };
  return known(values, name) ?? tagFilterValues(name, subnet.Tags);
}

/** An image's values for an EC2 filter name; `undefined` for a name EC2 rejects. */
export function imageValues(image: Image, name: string): readonly string[] | undefined {
  const values: Record<string, Array<string | boolean | undefined>> = {
    'image-id': [image.ImageId],
    name: [image.Name],
    state: [image.State],
    architecture: [image.Architecture],
    'owner-id': [image.OwnerId],
    'owner-alias': [image.ImageOwnerAlias],
    'image-type': [image.ImageType],
    'is-public': [image.Public],
    'root-device-type': [image.RootDeviceType],
    'virtualization-type': [image.VirtualizationType],
    hypervisor: [image.Hypervisor],
    description: [image.Description],
  };
  return known(values, name) ?? tagFilterValues(name, image.Tags);
}

function known(values: Record<string, Array<string | boolean | undefined>>, name: string): string[] | undefined {
  if (!Object.hasOwn(values, name)) return undefined;
  return values[name].filter((value) => value !== undefined).map(String);
}

function vpcXml(vpc: Vpc): Xml {
  return [
    el('vpcId', vpc.VpcId),
    el('ownerId', vpc.OwnerId),
    el('state', vpc.State),
    el('cidrBlock', vpc.CidrBlock),
    el('dhcpOptionsId', vpc.DhcpOptionsId),
    el('instanceTenancy', vpc.InstanceTenancy),
    el('isDefault', vpc.IsDefault),
    ec2Tags(vpc.Tags),
  ];
}

function subnetXml(subnet: Subnet): Xml {
  return [
    el('subnetId', subnet.SubnetId),
    el('subnetArn', subnet.SubnetArn),
    el('vpcId', subnet.VpcId),
    el('ownerId', subnet.OwnerId),
    el('state', subnet.State),
    el('cidrBlock', subnet.CidrBlock),
    el('availableIpAddressCount', subnet.AvailableIpAddressCount),
    el('availabilityZone', subnet.AvailabilityZone),
    el('availabilityZoneId', subnet.AvailabilityZoneId),
    el('defaultForAz', subnet.DefaultForAz),
    el('mapPublicIpOnLaunch', subnet.MapPublicIpOnLaunch),
    ec2Tags(subnet.Tags),
  ];
}

function imageXml(image: Image): Xml {
  return [
    el('imageId', image.ImageId),
    el('imageLocation', image.ImageLocation),
    el('imageState', image.State),
    el('imageOwnerId', image.OwnerId),
    el('creationDate', image.CreationDate),
    el('isPublic', image.Public),
    el('architecture', image.Architecture),
    el('imageType', image.ImageType),
    el('sriovNetSupport', image.SriovNetSupport),
    el('imageOwnerAlias', image.ImageOwnerAlias),
    el('name', image.Name),
    el('description', image.Description),
    el('rootDeviceType', image.RootDeviceType),
    el('rootDeviceName', image.RootDeviceName),
    el('virtualizationType', image.VirtualizationType),
    el('hypervisor', image.Hypervisor),
    el('enaSupport', image.EnaSupport),
    el('bootMode', image.BootMode),
    el('platformDetails', image.PlatformDetails),
    el('usageOperation', image.UsageOperation),
    el('deprecationTime', image.DeprecationTime),
    ec2Tags(image.Tags),
  ];
}
