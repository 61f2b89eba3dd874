import { EC2Client } from '@aws-sdk/client-ec2';
import { CLIENT_CONFIG, recordCalls } from '../shared/clients';
import { defineSchema, type Parsed } from '../shared/properties';
import type { LookupDefinition } from '../shared/types';
import { lookupImage } from './lookup';

export const schema = defineSchema({
  ImageName: { type: 'string', required: true, description: 'the AMI name, where * and ? are wildcards' },
  Owners: {
    type: 'list',
    description: 'account ids of 12 digits, or self, amazon, aws-marketplace',
    pattern: /^(\d{12}|self|amazon|aws-marketplace)$/,
  },
  Architecture: {
    type: 'string',
    description: 'one of i386, x86_64, arm64, x86_64_mac, arm64_mac',
    pattern: /^(i386|x86_64|arm64|x86_64_mac|arm64_mac)$/,
  },
});

export type ImageProperties = Parsed<typeof schema>;

export interface ImageClients {
  readonly ec2: EC2Client;
}

export const definition: LookupDefinition<typeof schema, ImageClients> = {
  resourceType: 'Custom::ImageDependency',
  schema,
  clients: () => ({ ec2: recordCalls(new EC2Client(CLIENT_CONFIG)) }),
  lookup: lookupImage,
};
