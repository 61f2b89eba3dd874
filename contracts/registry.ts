import { contract as certificate } from './certificate-dependency/contract';
import type { Contract } from './contract';
import { contract as elasticache } from './elasticache-dependency/contract';
import { contract as image } from './image-dependency/contract';
import { contract as route53 } from './route53-dependency/contract';
import { contract as stack } from './stack-dependency/contract';
import { contract as vpc } from './vpc-dependency/contract';

/**
 * Every lookup type, listed once. The build bundles one handler per entry,
 * the constructs and the `CustomResources` stack create their functions and
 * permissions from it, and the tests and fakes cover each entry.
 */
export const CONTRACTS: readonly Contract[] = [route53, vpc, image, elasticache, stack, certificate];

/** The contract of a `Custom::` resource type, if it is one of ours. */
export function contractOf(resourceType: string): Contract | undefined {
  return CONTRACTS.find((contract) => contract.resourceType === resourceType);
}
