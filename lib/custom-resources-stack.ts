import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DEPENDENCY_TYPES, DependencyFunction, serviceTokenExportName } from './dependencies';

export interface CustomResourcesStackProps extends StackProps {
  /**
   * Give the functions the names of the original Sony Mobile functions
   * (`route53Dependency`, `vpcDependency`, ...), so templates that build the
   * ServiceToken from those names keep working. Function names are unique per
   * account and region, so only one such stack can exist in each.
   *
   * @default false
   */
  readonly legacyFunctionNames?: boolean;
}

/**
 * The six lookup functions, once per account and region, for plain
 * CloudFormation templates. Each function's ARN is exported as
 * `CustomResources-<Type>ServiceToken`, such as
 * `CustomResources-VpcDependencyServiceToken`, so a template says
 * `ServiceToken: !ImportValue CustomResources-VpcDependencyServiceToken`.
 */
export class CustomResourcesStack extends Stack {
  /** The functions by type id, such as `VpcDependency`. */
  public readonly functions: Readonly<Record<string, DependencyFunction>>;

  constructor(scope: Construct, id: string, props: CustomResourcesStackProps = {}) {
    super(scope, id, {
      description: 'Lambda functions behind the Custom::*Dependency lookups, for plain CloudFormation templates',
      ...props,
    });
    const functions: Record<string, DependencyFunction> = {};
    for (const type of DEPENDENCY_TYPES) {
      const fn = new DependencyFunction(this, `${type.id}Function`, {
        type,
        functionName: props.legacyFunctionNames ? type.legacyName : undefined,
      });
      new CfnOutput(this, `${type.id}ServiceToken`, {
        description: `ServiceToken of ${type.resourceType}`,
        value: fn.serviceToken,
        exportName: serviceTokenExportName(type),
      });
      functions[type.id] = fn;
    }
    this.functions = functions;
  }
}
