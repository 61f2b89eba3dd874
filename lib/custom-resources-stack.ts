import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CONTRACTS } from '../contracts/registry';
import { contract as STACK_CONTRACT } from '../contracts/stack-dependency/contract';
import { checkStackNamePrefixes, DependencyFunction } from './dependencies';
import { propOwner } from './errors';
import type { MonitoringOptions } from './monitoring/stack-monitoring';

/** Properties of a `CustomResourcesStack`. */
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
  /**
   * Names of the stacks `Custom::StackDependency` may read start with one of
   * these, such as `['shared-']`.
   *
   * @default - any stack of the account and region
   */
  readonly stackNamePrefixes?: string[];
  /**
   * The functions' alarms (errors and throttles; see docs/monitoring.md) and
   * their graphs on the stack's dashboard.
   *
   * @default - alarms and graphs, notifying the stack's `StackMonitoring.alarmTopic`
   */
  readonly monitoring?: MonitoringOptions;
}

/** Name of the export that holds the ARN of the function for `contract`, such as `CustomResources-VpcDependencyServiceToken`. */
export function serviceTokenExportName(contract: { readonly id: string }): string {
  return `CustomResources-${contract.id}ServiceToken`;
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
  public readonly functions: { [type: string]: DependencyFunction };

  constructor(scope: Construct, id: string, props: CustomResourcesStackProps = {}) {
    super(scope, id, {
      description: 'Lambda functions behind the Custom::*Dependency lookups, for plain CloudFormation templates',
      ...props,
    });
    checkStackNamePrefixes(propOwner('CustomResourcesStack', this), 'stackNamePrefixes', props.stackNamePrefixes);
    const functions: Record<string, DependencyFunction> = {};
    for (const type of CONTRACTS) {
      const fn = new DependencyFunction(this, `${type.id}Function`, {
        resourceType: type.resourceType,
        functionName: props.legacyFunctionNames ? type.legacyName : undefined,
        stackNamePrefixes: type.id === STACK_CONTRACT.id ? props.stackNamePrefixes : undefined,
        monitoring: props.monitoring,
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
