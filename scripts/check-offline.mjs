#!/usr/bin/env node
/**
 * `node scripts/check-offline.mjs COMMAND [ARG ...]`: runs COMMAND under
 * strace, with every process and thread it starts, and fails when any of them
 * calls connect(), or sends a datagram, to an address off this machine: an
 * AF_INET or AF_INET6 address other than 127.0.0.0/8 and ::1 (a DNS query to
 * a resolver elsewhere counts), or a socket family that is neither local
 * (AF_UNIX, AF_NETLINK) nor AF_UNSPEC (which only dissolves a socket's
 * association). A call that failed counts too: it was an attempt. Prints which
 * process called and where to, and exits 1; exits with the command's status
 * when the command itself fails; otherwise prints what the calls went to and
 * exits 0. Needs strace (`apt-get install strace`) and ptrace (root, or
 * kernel.yama.ptrace_scope 0).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const LOCAL_FAMILIES = new Set(['AF_UNIX', 'AF_NETLINK', 'AF_UNSPEC']);

/** One address a traced call went to, as strace wrote it. */
function destination(family, fields) {
  if (family === 'AF_INET') {
    const host = /sin_addr=inet_addr\("([^"]+)"\)/.exec(fields)?.[1];
    const port = /sin_port=htons\((\d+)\)/.exec(fields)?.[1];
    return { family, where: `${host}:${port}`, local: host !== undefined && /^127\./.test(host) };
  }
  if (family === 'AF_INET6') {
    const host = /inet_pton\(AF_INET6, "([^"]+)"/.exec(fields)?.[1];
    const port = /sin6_port=htons\((\d+)\)/.exec(fields)?.[1];
    return { family, where: `[${host}]:${port}`, local: host === '::1' || (host !== undefined && /^::ffff:127\./.test(host)) };
  }
  if (family === 'AF_UNIX') {
    const where = /sun_path=(@?"[^"]*")/.exec(fields)?.[1] ?? 'an unnamed socket';
    return { family, where, local: true };
  }
  return { family, where: family, local: LOCAL_FAMILIES.has(family) };
}

/**
 * Every address in a log of `strace -f -Y -e trace=connect,sendto,sendmsg,sendmmsg`
 * (lines `PID<comm> connect(FD, {sa_family=AF_INET, ...}, LEN) = ...`), with the
 * process that called, in the order of the log. A connect() whose address
 * strace could not read counts as off this machine.
 */
function destinations(log) {
  const found = [];
  for (const line of log.split('\n')) {
    const call = /^(\d+)(?:<([^>]*)>)? +(connect|sendto|sendmsg|sendmmsg)\(/.exec(line);
    if (!call) continue;
    const [, pid, comm, syscall] = call;
    const caller = comm ? `${comm} (pid ${pid})` : `pid ${pid}`;
    const addresses = [...line.matchAll(/\{sa_family=(\w+)([^}]*)\}/g)];
    if (addresses.length === 0 && syscall === 'connect') {
      found.push({ caller, syscall, family: 'unknown', where: 'an address strace could not read', local: false });
    }
    for (const [, family, fields] of addresses) found.push({ caller, syscall, ...destination(family, fields) });
  }
  return found;
}

function main(command) {
  if (command.length === 0) {
    console.error('usage: node scripts/check-offline.mjs COMMAND [ARG ...]');
    return 2;
  }
  const shown = command.map(quoted).join(' ');
  const dir = mkdtempSync(path.join(tmpdir(), 'check-offline-'));
  const logFile = path.join(dir, 'strace.log');
  try {
    const traced = spawnSync(
      'strace',
      ['-f', '-Y', '-qq', '--seccomp-bpf', '-e', 'trace=connect,sendto,sendmsg,sendmmsg', '-e', 'signal=none', '-o', logFile, '--', ...command],
      { stdio: 'inherit' },
    );
    if (traced.error) {
      const missing = traced.error.code === 'ENOENT';
      console.error(`check-offline: ${missing ? 'strace is not installed; install it with: apt-get install strace' : traced.error.message}`);
      return 1;
    }
    const found = destinations(readFileSync(logFile, 'utf8'));
    const outside = found.filter((call) => !call.local);
    for (const call of outside) {
      console.error(`check-offline: ${shown}: ${call.caller} called ${call.syscall}() to ${call.where} (${call.family}), off this machine`);
    }
    if (traced.status !== 0) {
      console.error(`check-offline: ${shown} failed (${traced.signal ?? `exit status ${traced.status}`})`);
      return traced.status || 1;
    }
    if (outside.length > 0) return 1;
    console.log(`check-offline: ${shown}: no connection off this machine; ${summary(found)}`);
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An argument as a shell would need it written. */
function quoted(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** What the calls went to: `3 calls, all local: 2 to "/var/run/nscd/socket" (AF_UNIX), 1 to 127.0.0.1:8080 (AF_INET)`. */
function summary(found) {
  if (found.length === 0) return 'no connect() or datagram to any address';
  const counts = new Map();
  for (const call of found) {
    const key = call.where === call.family ? call.family : `${call.where} (${call.family})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const each = [...counts].map(([key, count]) => `${count} to ${key}`);
  return `${found.length} ${found.length === 1 ? 'call' : 'calls'}, all local: ${each.join(', ')}`;
}

process.exitCode = main(process.argv.slice(2));
