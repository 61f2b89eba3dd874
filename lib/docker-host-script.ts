import * as path from 'node:path';
import { Fn, Token } from 'aws-cdk-lib';

/** One `docker run --publish` mapping. */
export interface ScriptPort {
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: 'tcp' | 'udp';
}

/** One container as the script starts it. */
export interface ScriptContainer {
  readonly name: string;
  readonly image: string;
  readonly command: readonly string[];
  readonly restart: string;
  readonly memoryMiB?: number;
  readonly ports: readonly ScriptPort[];
  /** The env-file's lines, joined with line breaks; values may be deploy-time tokens. */
  readonly envFile?: string;
  /** The user-defined network the container joins. */
  readonly network?: string;
  /** Files written under `$env_dir/files/<name>` and mounted read-only, folder by folder. */
  readonly files?: readonly { readonly path: string; readonly content: string }[];
}

export interface ScriptOptions {
  /** Where the env-files go, an absolute path. */
  readonly envFileDirectory: string;
  /** Arguments of `cfn-signal`: the stack, the instance's logical id and the region. */
  readonly stackName: string;
  readonly resource: string;
  readonly region: string;
  readonly containers: readonly ScriptContainer[];
}

/**
 * The Docker host's user data: a bash script that installs Docker, writes
 * each container's env-file (mode 0600, decoded from base64, so no byte of a
 * value reaches the shell as code) and starts the containers, and
 * reports its exit status to CloudFormation with `cfn-signal` whatever
 * happens, so a host whose containers do not start fails its stack.
 */
export function renderDockerHostScript(options: ScriptOptions): string {
  const lines = [
    '#!/bin/bash',
    '# Docker host: installs Docker, writes the env-files and starts the containers.',
    '# The exit status goes to CloudFormation, so a failed start fails the stack.',
    'set -euo pipefail',
    '',
    'signal_cloudformation() {',
    '  local status=$?',
    `  cfn-signal --exit-code "$status" --stack ${quote(options.stackName)} --resource ${quote(options.resource)} --region ${quote(options.region)} \\`,
    '    || echo "cfn-signal could not report exit status $status" >&2',
    '}',
    'trap signal_cloudformation EXIT',
    'export PATH="$PATH:/opt/aws/bin"',
    '',
    'dnf install -y docker aws-cfn-bootstrap',
    'systemctl enable --now docker',
    '',
    `env_dir=${quote(options.envFileDirectory)}`,
    'install -d -m 0700 "$env_dir"',
    'umask 077',
  ];
  const networks = [...new Set(options.containers.flatMap((container) => (container.network === undefined ? [] : [container.network])))];
  for (const network of networks) {
    lines.push(`docker network inspect ${quote(network)} >/dev/null 2>&1 || docker network create ${quote(network)}`);
  }
  for (const container of options.containers) {
    lines.push('', `# ${container.name}`);
    for (const folder of fileFolders(container)) lines.push(`install -d -m 0755 "${hostFolder(container.name, folder)}"`);
    for (const file of container.files ?? []) {
      const target = `"${hostFolder(container.name, path.posix.dirname(file.path))}/${path.posix.basename(file.path)}"`;
      lines.push(`base64 --decode > ${target} <<< ${base64(file.content)}`, `chmod 0644 ${target}`);
    }
    if (container.envFile !== undefined) {
      const file = `"$env_dir/${container.name}.env"`;
      lines.push(`base64 --decode > ${file} <<< ${base64(`${container.envFile}\n`)}`, `chmod 0600 ${file}`);
    }
    lines.push(dockerRun(container));
  }
  lines.push('');
  return lines.join('\n');
}

function dockerRun(container: ScriptContainer): string {
  const args = ['docker run --detach', `--name ${quote(container.name)}`, `--restart ${quote(container.restart)}`];
  if (container.memoryMiB !== undefined) args.push(`--memory ${container.memoryMiB}m`);
  for (const port of container.ports) {
    args.push(`--publish ${port.hostPort}:${port.containerPort}/${port.protocol}`);
  }
  if (container.envFile !== undefined) args.push(`--env-file "$env_dir/${container.name}.env"`);
  if (container.network !== undefined) args.push(`--network ${quote(container.network)}`);
  for (const folder of fileFolders(container)) args.push(`--volume "${hostFolder(container.name, folder)}:${folder}:ro"`);
  args.push([container.image, ...container.command].map(word).join(' '));
  return args.join(' \\\n  ');
}

/** The folders in the container that hold its files, each mounted once. */
function fileFolders(container: ScriptContainer): string[] {
  return [...new Set((container.files ?? []).map((file) => path.posix.dirname(file.path)))];
}

/** Where on the host a container's folder lives: `$env_dir/files/<name><folder>`. */
function hostFolder(name: string, folder: string): string {
  return `$env_dir/files/${name}${folder}`;
}

/**
 * One shell word: bare when it holds only characters the shell leaves alone,
 * else in single quotes. Deploy-time values are quoted here only for
 * `cfn-signal` (the stack name, the logical id and the region), which
 * CloudFormation restricts to letters, digits and hyphens.
 */
function quote(word: string): string {
  if (!Token.isUnresolved(word) && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * One shell word of a container's image or command. A value known only at
 * deploy time may hold any character, so CloudFormation writes it in base64
 * (`Fn::Base64`), which the script decodes: no quote, `$` or backtick in it
 * reaches the shell.
 */
function word(value: string): string {
  return Token.isUnresolved(value) ? `"$(base64 --decode <<< ${base64(value)})"` : quote(value);
}

/**
 * `value` in base64, a shell word of letters, digits, `+`, `/` and `=` only:
 * encoded by CloudFormation (`Fn::Base64`) when it holds deploy-time values.
 */
function base64(value: string): string {
  return Token.isUnresolved(value) ? Fn.base64(value) : Buffer.from(value, 'utf8').toString('base64');
}
