import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findMirror } from '../docker/image';
import { compareHostState, endProcessesNaming, type HostState } from '../host-state';

describe('compareHostState', () => {
  it('names each line of network configuration the run added or removed, and paths left behind', () => {
    // GIVEN
    const before = state({ 'iptables -t nat -S': ['-P PREROUTING ACCEPT'], 'ip link': ['1: lo: <LOOPBACK,UP>', '4: eth0: <UP>'] }, { '/run/docker': false });
    const after = state(
      { 'iptables -t nat -S': ['-P PREROUTING ACCEPT', '-N DOCKER'], 'ip link': ['1: lo: <LOOPBACK,UP>', '5: docker0: <UP>'] },
      { '/run/docker': true },
    );

    // WHEN
    const differences = compareHostState(before, after);

    // THEN
    expect(differences).toEqual([
      'iptables -t nat -S gained: -N DOCKER',
      'ip link gained: 5: docker0: <UP>',
      'ip link lost: 4: eth0: <UP>',
      '/run/docker was left behind',
    ]);
  });

  it('finds no difference in an unchanged machine', () => {
    // GIVEN
    const before = state({ 'ip netns': [] }, { '/etc/docker': true });

    // WHEN
    const differences = compareHostState(before, state({ 'ip netns': [] }, { '/etc/docker': true }));

    // THEN
    expect(differences).toEqual([]);
  });
});

describe('endProcessesNaming', () => {
  it('ends and names a process the run left running, and finds none after', async () => {
    // GIVEN a process whose command line names the run's work folder
    const work = mkdtempSync(path.join(tmpdir(), 'e2e-work-'));
    const left = spawn(process.execPath, ['-e', 'setTimeout(() => undefined, 60_000)', path.join(work, 'stop-client')], { stdio: 'ignore' });
    const exited = once(left, 'exit');
    await once(left, 'spawn');

    // WHEN
    const found = endProcessesNaming(work);

    // THEN
    expect(found).toEqual([`${left.pid} ${process.execPath} -e setTimeout(() => undefined, 60_000) ${path.join(work, 'stop-client')}`]);
    expect(await exited).toEqual([null, 'SIGKILL']);
    expect(endProcessesNaming(work)).toEqual([]);
  });
});

describe('findMirror', () => {
  it.each([
    ['a one-line source', 'deb http://deb.debian.org/debian bookworm main contrib\n', false, 'http://deb.debian.org/debian'],
    ['a one-line source with options', 'deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main\n', false, 'http://mirror.example/debian'],
    ['a source of another suite only', 'deb http://deb.debian.org/debian trixie main\n', false, undefined],
    ['a security source only', 'deb http://deb.debian.org/debian-security bookworm-security main\n', false, undefined],
    [
      'deb822 stanzas, the first of another suite',
      'Types: deb\nURIs: http://security.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\n\nTypes: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\n',
      true,
      'http://deb.debian.org/debian',
    ],
    ['a disabled deb822 stanza', 'Enabled: no\nTypes: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n', true, undefined],
  ])('finds the Debian mirror of %s, if any', (_, text, deb822, mirror) => {
    // WHEN
    const found = findMirror(text, 'bookworm', deb822);

    // THEN
    expect(found).toBe(mirror);
  });
});

function state(sections: Record<string, string[]>, paths: Record<string, boolean>): HostState {
  return { sections, paths };
}
