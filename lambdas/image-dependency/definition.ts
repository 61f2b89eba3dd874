import { EC2Client } from '@aws-sdk/client-ec2';
import { CLIENT_CONFIG, recordCalls } from '../shared/clients';
import type { Parsed } from '../../contracts/properties';
import type { LookupDefinition } from '../shared/definition';
import { contract, type schema } from '../../contracts/image-dependency/contract';
import { lookupImage } from './lookup';

export type ImageProperties = Parsed<typeof schema>;

export interface ImageClients {
  readonly ec2: EC2Client;
}

export const definition: LookupDefinition<typeof schema, ImageClients> = {
  ...contract,
  clients: () => ({ ec2: recordCalls(new EC2Client(CLIENT_CONFIG)) }),
  lookup: lookupImage,
};
