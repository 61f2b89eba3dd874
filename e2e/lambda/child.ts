/**
 * Runs one Lambda handler invocation in this process, as the Lambda Node.js
 * runtime would: reads `{ module, handler, event, timeoutMs, fn }` as JSON
 * from standard input, loads the module, calls `handler(event, context)`
 * with the test kit's Lambda context, whose remaining time counts down from
 * `timeoutMs`, and exits 0 when the handler's promise resolves, 1 when it
 * rejects. invoke.ts bundles it before the first call.
 */
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { lambdaContext, type FunctionFacts } from '../../testkit/lambda';

interface Invocation {
  readonly module: string;
  readonly handler: string;
  readonly event: unknown;
  readonly timeoutMs: number;
  readonly fn: FunctionFacts;
}

async function main(): Promise<void> {
  const { module, handler, event, timeoutMs, fn } = JSON.parse((await buffer(process.stdin)).toString('utf8')) as Invocation;
  // The handler's bundle is a file of the function's code folder, loaded as Lambda loads it.
  const exported = require(path.resolve(module))[handler];
  if (typeof exported !== 'function') throw new Error(`${module} exports no function ${handler}`);
  await exported(event, lambdaContext(timeoutMs, fn));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`handler invocation failed: ${error instanceof Error && error.stack ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
