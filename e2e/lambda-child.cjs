'use strict';
/**
 * Runs one Lambda handler invocation in this process, as the Lambda Node.js
 * runtime would: reads `{ module, handler, event, timeoutMs, context }` as
 * JSON from standard input, loads the module, calls `handler(event, context)`
 * with a context whose getRemainingTimeInMillis counts down from timeoutMs,
 * and exits 0 when the handler's promise resolves, 1 when it rejects.
 */
const path = require('node:path');

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const { module, handler, event, timeoutMs, context } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const deadline = Date.now() + timeoutMs;
  const exported = require(path.resolve(module))[handler];
  if (typeof exported !== 'function') throw new Error(`${module} exports no function ${handler}`);
  await exported(event, {
    ...context,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  });
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`handler invocation failed: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
