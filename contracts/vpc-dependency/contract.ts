import { defineContract, NO_RESOURCE_LEVEL } from '../contract';
import { defineSchema } from '../properties';

export const schema = defineSchema({
  VpcName: {
    type: 'string',
    required: true,
    description: "the VPC's Name tag, default for the default VPC, or a VPC id such as vpc-0abc1234",
  },
  OnlyDefaultSubnets: { type: 'boolean', description: 'true to give only the default subnet of each availability zone' },
});

export const contract = defineContract({
  resourceType: 'Custom::VpcDependency',
  schema,
  attributes: {
    names: [
      'VpcId',
      'State',
      'CidrBlock',
      'DhcpOptionsId',
      'InstanceTenancy',
      'IsDefault',
      'SubnetIds',
      'Subnets',
      'AvailabilityZones',
      'SubnetCount',
    ],
    patterns: [/^SubnetId\d+$/],
  },
  permissions: [{ actions: ['ec2:DescribeVpcs', 'ec2:DescribeSubnets'], resource: '*', reason: NO_RESOURCE_LEVEL }],
  tooLarge:
    'Set OnlyDefaultSubnets to true to get only the default subnet of each availability zone; a VPC without default subnets that has this many subnets cannot be looked up whole',
});
