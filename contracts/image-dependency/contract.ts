import { defineContract, NO_RESOURCE_LEVEL } from '../contract';
import { defineSchema } from '../properties';

export const schema = defineSchema({
  ImageName: { type: 'string', required: true, description: 'the AMI name, where * and ? are wildcards' },
  Owners: {
    type: 'list',
    description: 'account ids of 12 digits, or self, amazon, aws-marketplace, aws-backup-vault',
    pattern: /^(\d{12}|self|amazon|aws-marketplace|aws-backup-vault)$/,
  },
  Architecture: {
    type: 'string',
    description: 'one of i386, x86_64, arm64, x86_64_mac, arm64_mac',
    pattern: /^(i386|x86_64|arm64|x86_64_mac|arm64_mac)$/,
  },
});

export const contract = defineContract({
  resourceType: 'Custom::ImageDependency',
  schema,
  attributes: {
    names: [
      'ImageId',
      'Name',
      'ImageLocation',
      'State',
      'OwnerId',
      'CreationDate',
      'Public',
      'Architecture',
      'ImageType',
      'SriovNetSupport',
      'RootDeviceType',
      'RootDeviceName',
      'VirtualizationType',
      'Hypervisor',
      'Tags',
      'Description',
      'MatchCount',
    ],
    patterns: [],
  },
  permissions: [{ actions: ['ec2:DescribeImages'], resource: '*', reason: NO_RESOURCE_LEVEL }],
  example: {
    properties: { ImageName: 'docker-host-*', Owners: 'self' },
    data: {
      ImageId: 'ami-0own0000000000001',
      Name: 'docker-host-2024-12-01',
      ImageLocation: '123456789012/docker-host-2024-12-01',
      State: 'available',
      OwnerId: '123456789012',
      CreationDate: '2024-12-01T08:00:00.000Z',
      Public: 'false',
      Architecture: 'x86_64',
      ImageType: 'machine',
      SriovNetSupport: '',
      RootDeviceType: 'ebs',
      RootDeviceName: '/dev/xvda',
      VirtualizationType: 'hvm',
      Hypervisor: 'xen',
      Tags: 'Name=Docker host,team=ops',
      Description: '',
      MatchCount: '1',
    },
  },
});
