'use strict';
/**
 * A memcached client for the end-to-end run: `node memcached-probe.cjs HOST
 * PORT KEY VALUE [set|get]`. `set` (the default) stores VALUE under KEY,
 * never to expire, and reads it back over the same connection; `get` only
 * reads KEY. Prints what the server answered. Exits 0 when the value read
 * equals VALUE, 2 when the server answered something else (such as no value
 * at all), 1 when it could not be reached or did not answer in time.
 */
const net = require('node:net');

const [host, port, key, value, mode = 'set'] = process.argv.slice(2);
const socket = net.connect({ host, port: Number(port) });
let answer = '';
const timer = setTimeout(() => finish(1, `no complete answer within 5 s; got ${JSON.stringify(answer)}`), 5000);

socket.setEncoding('utf8');
socket.on('connect', () => {
  const bytes = Buffer.byteLength(value);
  socket.write(mode === 'get' ? `get ${key}\r\n` : `set ${key} 0 0 ${bytes}\r\n${value}\r\nget ${key}\r\n`);
});
socket.on('data', (chunk) => {
  answer += chunk;
  if (answer.endsWith('END\r\n') || answer.startsWith('ERROR') || answer.includes('SERVER_ERROR')) {
    const expected = `${mode === 'get' ? '' : 'STORED\r\n'}VALUE ${key} 0 ${Buffer.byteLength(value)}\r\n${value}\r\nEND\r\n`;
    finish(answer === expected ? 0 : 2, `expected ${JSON.stringify(expected)}, got ${JSON.stringify(answer)}`);
  }
});
socket.on('error', (error) => finish(1, error.message));

function finish(code, problem) {
  clearTimeout(timer);
  socket.destroy();
  process.stdout.write(code === 0 ? 'round trip ok\n' : `${problem}\n`);
  process.exit(code);
}
