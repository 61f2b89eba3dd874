'use strict';
/**
 * Loaded with `node --require` into every handler process of the end-to-end
 * run: refuses any network connection that is not to a loopback address, and
 * any DNS lookup of a name other than localhost, writing each refusal to the
 * file named by E2E_REFUSED_LOG so the run can report it.
 */
const dns = require('node:dns');
const fs = require('node:fs');
const net = require('node:net');

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+|localhost)$/i;

function refuse(what) {
  const message = `the end-to-end run allows no network access but loopback; refused ${what}`;
  if (process.env.E2E_REFUSED_LOG) fs.appendFileSync(process.env.E2E_REFUSED_LOG, `${message}\n`);
  return new Error(message);
}

function target(args) {
  const [first, second] = args;
  if (Array.isArray(first)) return target(first);
  if (first !== null && typeof first === 'object') return { host: first.host, port: first.port, path: first.path };
  if (typeof first === 'string' && Number.isNaN(Number(first))) return { path: first };
  return { port: first, host: typeof second === 'string' ? second : undefined };
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connectLoopbackOnly(...args) {
  const { host, port, path } = target(args);
  // A path (a Unix socket) is local; http passes `path: null` for TCP.
  if ((path === undefined || path === null) && !LOOPBACK.test(host ?? 'localhost')) throw refuse(`a connection to ${host}:${port}`);
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function lookupLocalhostOnly(hostname, ...rest) {
  if (!LOOPBACK.test(hostname)) throw refuse(`a DNS lookup of ${hostname}`);
  return lookup.call(this, hostname, ...rest);
};
