/** Where cfn-init writes the apply program from the metadata. */
export const APPLY_PROGRAM = '/usr/local/sbin/docker-host-apply';

/** The apply program's exit status once it has reported FAILURE to CloudFormation itself (REPORTED_FAILURE there). */
export const APPLY_REPORTED_FAILURE = 3;

export interface ScriptOptions {
  /** Arguments of `cfn-init` and `cfn-signal`: the stack, the instance's logical id and the region. */
  readonly stackName: string;
  readonly resource: string;
  readonly region: string;
  /** Packages to install with `dnf` besides Docker and the CloudFormation helper scripts. */
  readonly packages: readonly string[];
}

/**
 * The Docker host's user data: a bash script that installs Docker and the
 * CloudFormation helper scripts, has `cfn-init` write the files the
 * instance's metadata lists (the containers, the apply program, the `cfn-hup`
 * configuration) with umask 077, starts `cfn-hup` so later changes to the
 * metadata apply in place, and hands over to the apply program, which starts
 * the containers and reports to CloudFormation. No container, image or
 * variable is in it, so changing a container never changes it. Should
 * anything fail before the apply program reports, or the apply program stop
 * without reporting (any exit status but 0 and `APPLY_REPORTED_FAILURE`), the
 * exit status still goes to CloudFormation with `cfn-signal`, within seconds.
 */
export function renderDockerHostScript(options: ScriptOptions): string {
  const target = `--stack ${quote(options.stackName)} --resource ${quote(options.resource)} --region ${quote(options.region)}`;
  return [
    '#!/bin/bash',
    '# Docker host: installs Docker, writes the files of the metadata with cfn-init,',
    '# starts cfn-hup for in-place updates and hands over to the apply program.',
    'set -euo pipefail',
    '',
    'reason="the host could not install its packages or read its metadata"',
    'signal_cloudformation() {',
    '  local status=$?',
    '  if [ "$status" -eq 0 ]; then return 0; fi',
    `  cfn-signal --exit-code "$status" --reason "$reason" ${target} \\`,
    '    || echo "cfn-signal could not report exit status $status" >&2',
    '}',
    'trap signal_cloudformation EXIT',
    'export PATH="$PATH:/opt/aws/bin"',
    'umask 077',
    '',
    ['dnf install -y docker aws-cfn-bootstrap', ...options.packages].join(' '),
    'systemctl enable --now docker',
    `cfn-init -v ${target}`,
    'systemctl enable --now cfn-hup',
    'status=0',
    `${APPLY_PROGRAM} --boot || status=$?`,
    `# ${APPLY_REPORTED_FAILURE}: the apply program reported FAILURE itself, with the reason.`,
    `if [ "$status" -eq ${APPLY_REPORTED_FAILURE} ]; then trap - EXIT; fi`,
    'reason="the apply program stopped with exit status $status before it reported; its output is in /var/log/cloud-init-output.log"',
    'if [ "$status" -ne 0 ]; then exit "$status"; fi',
    '',
  ].join('\n');
}

/**
 * One shell word in single quotes. Used only for the stack name, the logical
 * id and the region, which reach it as deploy-time values and which
 * CloudFormation restricts to letters, digits and hyphens, so none holds a
 * quote.
 */
function quote(word: string): string {
  return `'${word}'`;
}
