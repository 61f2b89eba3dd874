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
  example: {
    properties: { VpcName: 'default', OnlyDefaultSubnets: 'true' },
    data: {
      VpcId: 'vpc-0dddddddddddddddd',
      State: 'available',
      CidrBlock: '172.31.0.0/16',
      DhcpOptionsId: 'dopt-0123456789abcdef0',
      InstanceTenancy: 'default',
      IsDefault: 'true',
      SubnetIds: 'subnet-0dflt00000000000a,subnet-0dflt00000000000b,subnet-0dflt00000000000c',
      SubnetId0: 'subnet-0dflt00000000000a',
      SubnetId1: 'subnet-0dflt00000000000b',
      SubnetId2: 'subnet-0dflt00000000000c',
      Subnets: 'subnet-0dflt00000000000a,subnet-0dflt00000000000b,subnet-0dflt00000000000c',
      AvailabilityZones: 'eu-west-1a,eu-west-1b,eu-west-1c',
      SubnetCount: '3',
    },
  },
});
