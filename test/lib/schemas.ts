import { schema as certificateSchema } from '../../lambdas/certificate-dependency/definition';
import { schema as elasticacheSchema } from '../../lambdas/elasticache-dependency/definition';
import { schema as imageSchema } from '../../lambdas/image-dependency/definition';
import { schema as route53Schema } from '../../lambdas/route53-dependency/definition';
import type { Schema } from '../../lambdas/shared/properties';
import { schema as stackSchema } from '../../lambdas/stack-dependency/definition';
import { schema as vpcSchema } from '../../lambdas/vpc-dependency/definition';

/** The properties each handler accepts, by the resource type it answers. */
export const SCHEMAS: Readonly<Record<string, Schema>> = {
  'Custom::Route53Dependency': route53Schema,
  'Custom::VpcDependency': vpcSchema,
  'Custom::ImageDependency': imageSchema,
  'Custom::ElasticacheDependency': elasticacheSchema,
  'Custom::StackDependency': stackSchema,
  'Custom::CertificateDependency': certificateSchema,
};
