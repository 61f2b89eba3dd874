'use strict';
/**
 * A memcached client for the end-to-end run: `node memcached-probe.cjs HOST
 * PORT KEY VALUE` stores VALUE under KEY, reads it back over the same
 * connection, and prints what the server answered. Exits 0 only when the
 * value read equals the value stored.
 */
const net = require('node:net');

const [host, port, key, value] = process.argv.slice(2);
const socket = net.connect({ host, port: Number(port) });
let answer = '';
const timer = setTimeout(() => finish(`no complete answer within 5 s; got ${JSON.stringify(answer)}`), 5000);

socket.setEncoding('utf8');
socket.on('connect', () => {
  const bytes = Buffer.byteLength(value);
  socket.write(`set ${key} 0 60 ${bytes}\r\n${value}\r\nget ${key}\r\n`);
});
socket.on('data', (chunk) => {
  answer += chunk;
  if (answer.endsWith('END\r\n') || answer.startsWith('ERROR') || answer.includes('SERVER_ERROR')) {
    const expected = `STORED\r\nVALUE ${key} 0 ${Buffer.byteLength(value)}\r\n${value}\r\nEND\r\n`;
    finish(answer === expected ? undefined : `expected ${JSON.stringify(expected)}, got ${JSON.stringify(answer)}`);
  }
});
socket.on('error', (error) => finish(error.message));

function finish(problem) {
  clearTimeout(timer);
  socket.destroy();
  process.stdout.write(problem === undefined ? 'round trip ok\n' : `${problem}\n`);
  process.exit(problem === undefined ? 0 : 1);
}
