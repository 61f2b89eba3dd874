import { EC2Client } from '@aws-sdk/client-ec2';
import { CLIENT_CONFIG, recordCalls } from '../shared/clients';
import type { LookupDefinition } from '../shared/definition';
import { makeHandler } from '../shared/handler';
import { contract, type schema } from '../../contracts/image-dependency/contract';
import { type ImageClients, lookupImage } from './lookup';

/** The `Custom::ImageDependency` contract bound to its SDK clients and lookup. */
export const definition: LookupDefinition<typeof schema, ImageClients> = {
  ...contract,
  clients: () => ({ ec2: recordCalls(new EC2Client(CLIENT_CONFIG)) }),
  lookup: lookupImage,
};

export const handler = makeHandler(definition);
