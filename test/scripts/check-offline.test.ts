import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = path.resolve(__dirname, '..', '..', 'scripts', 'check-offline.mjs');

const LOOPBACK = '4711<node> connect(19, {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("127.0.0.1")}, 16 <unfinished ...>';
const LOOPBACK_RESUMED = '4711<node> <... connect resumed>)      = -1 EINPROGRESS (Operation now in progress)';
const LOOPBACK6 =
  '4711<node> connect(20, {sa_family=AF_INET6, sin6_port=htons(9), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0';
const NSCD = '4725<node> connect(20, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT (No such file or directory)';
const NETLINK =
  '4725<node> sendto(18, [{nlmsg_len=20, nlmsg_type=RTM_GETADDR, nlmsg_flags=NLM_F_REQUEST|NLM_F_DUMP, nlmsg_seq=1, nlmsg_pid=0}, {ifa_family=AF_UNSPEC, ...}], 20, 0, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 20';
const AWS = '4802<node> connect(21, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("52.94.133.131")}, 16) = -1 EINPROGRESS (Operation now in progress)';
const IPV6 =
  '4803<npm ci> connect(22, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2606:4700::6810:1922", &sin6_addr), sin6_scope_id=0}, 28) = -1 ENETUNREACH (Network is unreachable)';
const DNS = '4725<node> sendto(23, "\\367\\3\\1\\0\\0\\1", 43, MSG_NOSIGNAL, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 43';

let bin: string;

beforeAll(() => {
  // A stand-in for strace: writes the log lines it is given to the -o file and exits with the given status.
  bin = mkdtempSync(path.join(tmpdir(), 'check-offline-test-'));
  const strace = path.join(bin, 'strace');
  writeFileSync(
    strace,
    `#!${process.execPath}\n` +
      `const args = process.argv.slice(2);\n` +
      `require('node:fs').writeFileSync(args[args.indexOf('-o') + 1], process.env.STRACE_LOG);\n` +
      `process.exit(Number(process.env.STRACE_STATUS));\n`,
  );
  chmodSync(strace, 0o755);
});

afterAll(() => {
  rmSync(bin, { recursive: true, force: true });
});

/** Runs the check on `npx cdk synth --quiet`, the command's calls being the given strace log lines. */
async function check(lines: string[], status = 0): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, STRACE_LOG: lines.join('\n') + '\n', STRACE_STATUS: String(status) };
  try {
    const { stdout, stderr } = await run(process.execPath, [script, 'npx', 'cdk', 'synth', '--quiet'], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('scripts/check-offline.mjs', () => {
  it('passes connections to loopback, Unix sockets and netlink, and says where they went', async () => {
    // WHEN
    const result = await check([LOOPBACK, NSCD, LOOPBACK_RESUMED, NSCD, LOOPBACK6, NETLINK]);

    // THEN
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      'check-offline: npx cdk synth --quiet: no connection off this machine; 5 calls, all local: ' +
        '1 to 127.0.0.1:9 (AF_INET), 2 to "/var/run/nscd/socket" (AF_UNIX), 1 to [::1]:9 (AF_INET6), 1 to AF_NETLINK\n',
    );
  });

  it('fails naming the command, the process and the address of an IPv4 connection off the machine', async () => {
    // WHEN
    const result = await check([NSCD, AWS, LOOPBACK]);

    // THEN
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'check-offline: npx cdk synth --quiet: node (pid 4802) called connect() to 52.94.133.131:443 (AF_INET), off this machine\n',
    );
  });

  it('fails on an IPv6 connection off the machine, even one that did not get through', async () => {
    // WHEN
    const result = await check([IPV6]);

    // THEN
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('npm ci (pid 4803) called connect() to [2606:4700::6810:1922]:443 (AF_INET6), off this machine');
  });

  it('fails on a DNS query sent to a resolver off the machine without connect()', async () => {
    // WHEN
    const result = await check([DNS]);

    // THEN
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('node (pid 4725) called sendto() to 10.255.255.53:53 (AF_INET), off this machine');
  });

  it('says how to install strace where there is none', async () => {
    // GIVEN a PATH without strace
    const empty = mkdtempSync(path.join(tmpdir(), 'check-offline-test-'));

    // WHEN
    const result = await run(process.execPath, [script, 'true'], { env: { ...process.env, PATH: empty } }).catch((error: { code: number; stderr: string }) => error);
    rmSync(empty, { recursive: true, force: true });

    // THEN
    expect(result).toMatchObject({ code: 1, stderr: 'check-offline: strace is not installed; install it with: apt-get install strace\n' });
  });

  it('fails with the exit status of a command that failed without connecting anywhere', async () => {
    // WHEN
    const result = await check([NSCD], 3);

    // THEN
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('check-offline: npx cdk synth --quiet failed (exit status 3)\n');
  });
});
