import { defineContract, NO_RESOURCE_LEVEL } from '../contract';
import { defineSchema } from '../properties';

export const schema = defineSchema({
  DomainName: {
    type: 'string',
    required: true,
    description: 'the hosted zone name, such as example.com',
    pattern: /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/,
  },
  PrivateZone: { type: 'boolean', description: 'true for a private hosted zone, false for a public one' },
  VpcId: {
    type: 'string',
    description: 'the id of a VPC the private hosted zone is associated with, such as vpc-0abc1234',
    pattern: /^vpc-[0-9a-f]+$/,
  },
});

export const contract = defineContract({
  resourceType: 'Custom::Route53Dependency',
  schema,
  attributes: {
    names: ['Id', 'Name', 'ResourceRecordSetCount', 'PrivateZone', 'Comment', 'NameServers'],
    patterns: [],
  },
  permissions: [
    { actions: ['route53:ListHostedZonesByName'], resource: '*', reason: NO_RESOURCE_LEVEL },
    {
      actions: ['route53:GetHostedZone'],
      resource: 'arn:{partition}:route53:::hostedzone/*',
      reason: 'the zone is found by name at deploy time, so its id is not known when the policy is written',
    },
  ],
  example: {
    properties: { DomainName: 'Corp.Example.' },
    data: { Id: 'ZP', Name: 'corp.example', ResourceRecordSetCount: '9', PrivateZone: 'true', Comment: 'corporate' },
  },
});
