import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** Deploy-time values to put in place of `Ref` and `Fn::GetAtt`: keyed by `AWS::Region`-style names or by attribute. */
export type SampleValues = Readonly<Record<string, string>>;

/**
 * The user data of an `AWS::EC2::Instance` in a synthesized template, with
 * every `Ref` and `Fn::GetAtt` replaced by a sample value and every
 * `Fn::Base64` encoded, as CloudFormation would at deploy time. An intrinsic without a sample value fails the test.
 */
export function renderUserData(template: Record<string, any>, values: SampleValues): string {
  const instances = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::EC2::Instance');
  if (instances.length !== 1) throw new Error(`expected one instance in the template, found ${instances.length}`);
  return renderIntrinsic(instances[0].Properties.UserData['Fn::Base64'], values);
}

/** A template value with its intrinsics replaced by sample values, as CloudFormation would at deploy time. */
export function renderIntrinsic(value: unknown, values: SampleValues): string {
  if (typeof value === 'string') return value;
  const object = value as Record<string, any>;
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'];
    return parts.map((part: unknown) => renderIntrinsic(part, values)).join(separator);
  }
  if ('Fn::Base64' in object) return Buffer.from(renderIntrinsic(object['Fn::Base64'], values), 'utf8').toString('base64');
  const name = 'Ref' in object ? object.Ref : 'Fn::GetAtt' in object ? object['Fn::GetAtt'][1] : undefined;
  if (name === undefined || !(name in values)) throw new Error(`no sample value for ${JSON.stringify(value)}`);
  return values[name];
}

/** One command the script ran: the program's name and its arguments. */
export type Call = readonly string[];

/**
 * Runs a user data script with `dnf`, `systemctl`, `docker` and `cfn-signal`
 * replaced by stubs that record their arguments. `failing` names a stub
 * that exits 1 (after recording).
 */
export function runWithStubs(script: string, options: { failing?: string } = {}): { status: number | null; calls: Call[]; stderr: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'docker-host-stubs-'));
  const log = path.join(dir, 'calls.log');
  writeFileSync(log, '');
  for (const program of ['dnf', 'systemctl', 'docker', 'cfn-signal']) {
    const stub = path.join(dir, program);
    writeFileSync(
      stub,
      [
        '#!/bin/sh',
        `{ printf '%s' "${program}"; for arg in "$@"; do printf '\\t%s' "$arg"; done; printf '\\n'; } >> '${log}'`,
        `[ "${program}" != "${options.failing ?? ''}" ]`,
        '',
      ].join('\n'),
    );
    chmodSync(stub, 0o755);
  }
  const scriptFile = path.join(dir, 'user-data.sh');
  writeFileSync(scriptFile, script);
  const result = spawnSync('bash', [scriptFile], {
    encoding: 'utf8',
    env: { PATH: `${dir}:/usr/bin:/bin` },
  });
  const calls = readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));
  return { status: result.status, calls, stderr: result.stderr };
}
