'use strict';
/**
 * HTTP probe of the router, run inside the host's network namespace, or in
 * the swarm's VPC as the load balancer. TARGET is the router's port on
 * 127.0.0.1, or ADDRESS:PORT.
 * `router-probe.cjs get TARGET HOST PATH` prints one JSON line: status, location, body.
 * `router-probe.cjs loop TARGET MILLISECONDS HOST...` asks each host in turn,
 * one new connection per request, for that long, and prints one JSON line:
 * requests, failures and the first failures' reasons.
 */
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
  const [milliseconds, ...hosts] = rest;
  const end = Date.now() + Number(milliseconds);
  let requests = 0;
  const failures = [];
  for (let i = 0; Date.now() < end; i++) {
    const host = hosts[i % hosts.length];
    const answer = await get(target, host, '/');
    requests++;
    const label = host.split('.')[0];
    if (answer.status !== 200 || !(answer.body.startsWith(`${label}: `) || answer.body.includes('static site'))) {
      failures.push(`${host}: ${answer.status} ${answer.error ?? answer.body.trim().slice(0, 80)}`);
    }
  }
  process.stdout.write(`${JSON.stringify({ requests, failed: failures.length, failures: failures.slice(0, 5) })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
