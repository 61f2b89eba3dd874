import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const HOOK = path.resolve(__dirname, '..', 'no-network.cjs');

/**
 * Loaded before the hook: stands in for the real socket and DNS functions,
 * so that a hook that let a connection through would print instead of
 * sending anything.
 */
const STAND_IN = `
const net = require('node:net');
const dns = require('node:dns');
net.Socket.prototype.connect = function (...args) { process.stdout.write('let through\\n'); return this; };
dns.lookup = function (hostname) { process.stdout.write('looked up ' + hostname + '\\n'); };
`;

const PROBE = `
const attempts = {
  'net.connect to 192.0.2.1': () => require('node:net').connect(443, '192.0.2.1'),
  'net.connect with options': () => require('node:net').connect({ host: 'example.com', port: 443 }),
  'dns.lookup': () => require('node:dns').lookup('sts.amazonaws.com', () => undefined),
  'http.get': () => require('node:http').get('http://198.51.100.7/'),
  'net.connect to loopback': () => require('node:net').connect(11211, '127.0.0.1'),
};
for (const [name, attempt] of Object.entries(attempts)) {
  try { attempt(); console.log(name + ': allowed'); } catch (error) { console.log(name + ': ' + error.message); }
}
`;

let work: string;

beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'e2e-no-network-'));
});

afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

it('refuses every connection and DNS lookup but loopback, and writes each refusal down', () => {
  // GIVEN
  const standIn = path.join(work, 'stand-in.cjs');
  writeFileSync(standIn, STAND_IN);
  const refusedLog = path.join(work, 'refused');

  // WHEN
  const output = execFileSync(process.execPath, ['--require', standIn, '--require', HOOK, '-e', PROBE], {
    env: { PATH: process.env.PATH, E2E_REFUSED_LOG: refusedLog },
    encoding: 'utf8',
  });

  // THEN
  const refusal = 'the end-to-end run allows no network access but loopback; refused';
  expect(output.split('\n').filter(Boolean)).toEqual([
    `net.connect to 192.0.2.1: ${refusal} a connection to 192.0.2.1:443`,
    `net.connect with options: ${refusal} a connection to example.com:443`,
    `dns.lookup: ${refusal} a DNS lookup of sts.amazonaws.com`,
    `http.get: ${refusal} a connection to 198.51.100.7:80`,
    'let through',
    'net.connect to loopback: allowed',
  ]);
  expect(readFileSync(refusedLog, 'utf8').split('\n').filter(Boolean)).toEqual([
    `${refusal} a connection to 192.0.2.1:443`,
    `${refusal} a connection to example.com:443`,
    `${refusal} a DNS lookup of sts.amazonaws.com`,
    `${refusal} a connection to 198.51.100.7:80`,
  ]);
});
