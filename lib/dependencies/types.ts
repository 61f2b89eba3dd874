/**
 * The six lookups: the folder their handler is built into
 * (`dist/lambdas/<name>`), their CloudFormation type, the function name the
 * original Sony Mobile functions had, and the name used in construct ids and
 * export names. `scripts/lambdas.mjs` lists the same handlers for the build.
 */
export interface DependencyType {
  /** Folder of the bundled handler under `dist/lambdas/`, e.g. `vpc-dependency`. */
  readonly name: string;
  /** CloudFormation resource type, e.g. `Custom::VpcDependency`. */
  readonly resourceType: string;
  /** Function name of the original Sony Mobile function, e.g. `vpcDependency`. */
  readonly legacyName: string;
  /** Name in construct ids and export names, e.g. `VpcDependency`. */
  readonly id: string;
}

function dependencyType(name: string, id: string): DependencyType {
  const legacyName = id.charAt(0).toLowerCase() + id.slice(1);
  return { name, resourceType: `Custom::${id}`, legacyName, id };
}

export const ROUTE53_DEPENDENCY = dependencyType('route53-dependency', 'Route53Dependency');
export const VPC_DEPENDENCY = dependencyType('vpc-dependency', 'VpcDependency');
export const IMAGE_DEPENDENCY = dependencyType('image-dependency', 'ImageDependency');
export const ELASTICACHE_DEPENDENCY = dependencyType('elasticache-dependency', 'ElasticacheDependency');
export const STACK_DEPENDENCY = dependencyType('stack-dependency', 'StackDependency');
export const CERTIFICATE_DEPENDENCY = dependencyType('certificate-dependency', 'CertificateDependency');

export const DEPENDENCY_TYPES: readonly DependencyType[] = [
  ROUTE53_DEPENDENCY,
  VPC_DEPENDENCY,
  IMAGE_DEPENDENCY,
  ELASTICACHE_DEPENDENCY,
  STACK_DEPENDENCY,
  CERTIFICATE_DEPENDENCY,
];

/** Name of the export that holds a function's ARN in the `CustomResources` stack. */
export function serviceTokenExportName(type: DependencyType): string {
  return `CustomResources-${type.id}ServiceToken`;
}
