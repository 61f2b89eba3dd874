'use strict';
/**
 * HTTP probe of the router, run inside the host's network namespace, or in
 * the swarm's VPC as the load balancer. TARGET is the router's port on
 * 127.0.0.1, or ADDRESS:PORT.
 * `router-probe.cjs get TARGET HOST PATH` prints one JSON line: status, location, body.
 * `router-probe.cjs loop TARGET MILLISECONDS HOST...` asks each host in turn,
 * one new connection per request, for that long, and prints one JSON line:
 * requests, failures and the first failures' reasons.
 * `router-probe.cjs watch TARGET STOP_FILE HOST MARKER` asks HOST the same way
 * until STOP_FILE exists, and prints the same line with `markedAt`: when
 * (milliseconds since the epoch) the first answer holding MARKER came, or null.
 */
const fs = require('node:fs');
const http = require('node:http');

function get(target, host, path) {
  const [address, port] = target.includes(':') ? target.split(':') : ['127.0.0.1', target];
  return new Promise((resolve) => {
    const request = http.request({ host: address, port: Number(port), path, headers: { Host: host }, agent: false, timeout: 5000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode, location: response.headers.location, body }));
    });
    request.on('timeout', () => request.destroy(new Error('timed out after 5 s')));
    request.on('error', (error) => resolve({ status: 0, body: '', error: error.message }));
    request.end();
  });
}

async function main() {
  const [mode, target, ...rest] = process.argv.slice(2);
  if (mode === 'get') {
    const [host, path] = rest;
    process.stdout.write(`${JSON.stringify(await get(target, host, path))}\n`);
    return;
  }
  if (mode === 'watch') {
    const [stopFile, host, marker] = rest;
    const count = await ask(target, [host], () => !fs.existsSync(stopFile), marker);
    process.stdout.write(`${JSON.stringify(count)}\n`);
    return;
  }
  const [milliseconds, ...hosts] = rest;
  const end = Date.now() + Number(milliseconds);
  const { requests, failed, failures } = await ask(target, hosts, () => Date.now() < end);
  process.stdout.write(`${JSON.stringify({ requests, failed, failures })}\n`);
}

/** Asks the hosts in turn while `going()`; counts the requests and the failures, and notes when the first answer holding `marker` came. */
async function ask(target, hosts, going, marker) {
  let requests = 0;
  let markedAt = null;
  const failures = [];
  for (let i = 0; going(); i++) {
    const host = hosts[i % hosts.length];
    const answer = await get(target, host, '/');
    requests++;
    const label = host.split('.')[0];
    if (answer.status !== 200 || !(answer.body.startsWith(`${label}: `) || answer.body.includes('static site'))) {
      failures.push(`${host}: ${answer.status} ${answer.error ?? answer.body.trim().slice(0, 80)}`);
    } else if (marker !== undefined && markedAt === null && answer.body.includes(marker)) {
      markedAt = Date.now();
    }
  }
  return { requests, failed: failures.length, failures: failures.slice(0, 5), markedAt };
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
