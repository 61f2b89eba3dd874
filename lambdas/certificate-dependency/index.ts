import { makeHandler } from '../shared/handler';
import { definition } from './definition';
export const handler = makeHandler(definition);
