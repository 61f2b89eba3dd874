/** The parts of a CloudFormation template the end-to-end run reads. */
export interface CfnTemplate {
  readonly Parameters?: Readonly<Record<string, { readonly Type: string; readonly Default?: unknown }>>;
  readonly Conditions?: Readonly<Record<string, unknown>>;
  readonly Mappings?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
  readonly Resources: Readonly<Record<string, CfnResource>>;
  readonly Outputs?: Readonly<Record<string, CfnOutput>>;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly DependsOn?: string | readonly string[];
  readonly Condition?: string;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly CreationPolicy?: unknown;
}

export interface CfnOutput {
  readonly Value: unknown;
  readonly Export?: { readonly Name: unknown };
  readonly Condition?: string;
}

/** One stack of the app: its name as deployed, its template, and where its files are. */
export interface StackModel {
  readonly stackName: string;
  readonly template: CfnTemplate;
  /** Values for the template's parameters; others take their `Default`. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** The folder the template's asset paths are relative to (the cloud assembly). */
  readonly assemblyDir?: string;
  /** Asset folders by the S3 object key the template's `Code.S3Key` names. */
  readonly assets?: Readonly<Record<string, string>>;
  /** Stacks (by name) this one deploys after. */
  readonly dependsOn?: readonly string[];
}

/** Resource types CloudFormation sends to a custom resource provider. */
export function isCustomResource(resource: CfnResource): boolean {
  return resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource';
}
