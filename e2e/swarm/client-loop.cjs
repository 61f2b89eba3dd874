'use strict';
/**
 * A memcached client with a server list, as apps use one: `node
 * client-loop.cjs PORT STOP_FILE ADDRESS...` sends requests (a set and a
 * get of a fresh key) back to back until STOP_FILE exists; each request goes
 * to the first address that accepts it. A request fails when no address
 * answers it correctly. Prints `{"sent": N, "failed": F}`.
 */
const fs = require('node:fs');
const net = require('node:net');

const [port, stopFile, ...addresses] = process.argv.slice(2);
let sent = 0;
let failed = 0;

function request(host, key) {
  return new Promise((resolve) => {
    const value = `v${key}`;
    const expected = `STORED\r\nVALUE ${key} 0 ${value.length}\r\n${value}\r\nEND\r\n`;
    let answer = '';
    const socket = net.connect({ host, port: Number(port) });
    const done = (ok) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 2000);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`set ${key} 0 60 ${value.length}\r\n${value}\r\nget ${key}\r\n`));
    socket.on('data', (chunk) => {
      answer += chunk;
      if (answer.endsWith('END\r\n') || answer.includes('ERROR')) done(answer === expected);
    });
    socket.on('error', () => done(false));
  });
}

(async () => {
  while (!fs.existsSync(stopFile)) {
    sent++;
    let ok = false;
    for (const address of addresses) {
      if (await request(address, `k${sent}`)) {
        ok = true;
        break;
      }
    }
    if (!ok) failed++;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  process.stdout.write(`${JSON.stringify({ sent, failed })}\n`);
})();
