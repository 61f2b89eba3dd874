import { Aws } from 'aws-cdk-lib';

/** A file of a node's `AWS::CloudFormation::Init` metadata, root's; an object is written as JSON. */
export interface InitFile {
  readonly content: unknown;
  readonly mode: string;
  readonly owner: 'root';
  readonly group: 'root';
}

/** A file of the metadata with its content and mode, owned by root. */
export function initFile(content: unknown, mode = '000600'): InitFile {
  return { content, mode, owner: 'root', group: 'root' };
}

/** What the cfn-hup of one kind of node does, and what differs between kinds. */
export interface CfnHupOptions {
  /** The hook's section name. */
  readonly hook: string;
  /** The hook's file under `/etc/cfn/hooks.d`. */
  readonly hookFile: string;
  /** The logical id of the resource whose metadata the hook watches. */
  readonly resource: string;
  /** What the hook runs after each stack update that changes the metadata. */
  readonly action: string;
  /** The systemd unit's description. */
  readonly description: string;
  /** The units cfn-hup starts after. */
  readonly after: string;
  /** Mode of cfn-hup's configuration and the hook. */
  readonly configMode: string;
  /** Mode of the systemd unit. */
  readonly unitMode: string;
}

/**
 * The files that make `cfn-hup` apply stack updates in place: its
 * configuration (the stack, polled every minute), the hook and a systemd
 * unit, by path, for a node's `AWS::CloudFormation::Init` metadata.
 */
export function cfnHupFiles(options: CfnHupOptions): Array<[string, InitFile]> {
  return [
    ['/etc/cfn/cfn-hup.conf', initFile(`[main]\nstack=${Aws.STACK_ID}\nregion=${Aws.REGION}\ninterval=1\n`, options.configMode)],
    [
      `/etc/cfn/hooks.d/${options.hookFile}`,
      initFile(
        `[${options.hook}]\ntriggers=post.update\npath=Resources.${options.resource}.Metadata.AWS::CloudFormation::Init\naction=${options.action}\nrunas=root\n`,
        options.configMode,
      ),
    ],
    [
      '/etc/systemd/system/cfn-hup.service',
      initFile(
        `[Unit]\nDescription=${options.description}\nAfter=${options.after}\n\n[Service]\nExecStart=/opt/aws/bin/cfn-hup --no-daemon\nRestart=always\n\n[Install]\nWantedBy=multi-user.target\n`,
        options.unitMode,
      ),
    ],
  ];
}
