import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { available, run } from './exec';
import { captureHostState, compareHostState, endProcessesNaming, removeCreatedPaths } from './host-state';
import { Phases } from './phases';

export interface RunOptions {
  /** The repository: its CDK app, `dist/lambdas` and `.e2e/` cache. */
  readonly repo: string;
  /** Where the harness's plain files (`no-network.cjs`, shell scripts) are. */
  readonly harnessDir: string;
}

/** What sets one kind of end-to-end run apart from the others. */
export interface RunKind {
  /** How its last lines name it: `end-to-end run`, `swarm end-to-end run`. */
  readonly name: string;
  /** The start of its work folder's name under the system's temporary folder. */
  readonly workPrefix: string;
  /** Its log folder under `.e2e/`, emptied when the run starts. */
  readonly logs: string;
}

/** What a run's body gets: its folders, its phase timer, its problem list and its cleanup stack. */
export interface Run {
  readonly options: RunOptions;
  /** A temporary folder of the run's own, removed at the end. */
  readonly work: string;
  /** Where the run's logs go; kept after the run for a look when it fails. */
  readonly logDir: string;
  /** Images built once and kept between runs. */
  readonly cacheDir: string;
  readonly phases: Phases;
  /** Problems found so far; any of them fails the run. */
  readonly problems: string[];
  /** Whether SIGINT or SIGTERM asked the run to stop; steps that would take long skip then. */
  readonly interrupted: boolean;
  /** Set when the run built its image rather than taking it from the cache: a cold run. */
  imageBuilt: boolean;
  /** Undoes something at the end, or on SIGINT or SIGTERM, last added first; returns what it could not undo. */
  cleanup(step: () => Promise<string[]>): void;
}

/** A check that failed; the message lists what. */
export class Failure extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n- '));
    this.name = 'Failure';
  }
}

/** Stops the run's body when a check found problems. */
export function check(problems: readonly string[]): void {
  if (problems.length > 0) throw new Failure(problems);
}

export function describeError(error: unknown): string {
  if (error instanceof Failure) return error.message;
  if (error instanceof Error) return error.name === 'Error' ? (error.stack ?? error.message) : error.message;
  return String(error);
}

export function log(phase: string, line: string): void {
  console.log(`[${phase}] ${line}`);
}

const TOOLS = ['dockerd', 'docker', 'debootstrap', 'ip', 'iptables', 'nsenter', 'unshare', 'mount', 'tar'];

/**
 * Runs one end-to-end run's body inside what every run needs: the tools
 * installed, a work folder, an empty log folder, the image cache, a cleanup
 * stack that also runs on SIGINT and SIGTERM, and a check that the machine
 * is left as the run found it (no namespace, interface, mount, iptables rule,
 * path or process of the run left). Prints the phases' timings, then the
 * summary and the verdict. The body returns the run's one-line summary, if
 * it has one.
 * Returns the exit status.
 */
export async function runScaffolded(options: RunOptions, kind: RunKind, body: (run: Run) => Promise<string | void>): Promise<number> {
  const phases = new Phases();
  const problems: string[] = [];
  const cleanups: Array<() => Promise<string[]>> = [];
  const cacheDir = path.join(options.repo, '.e2e', 'cache');
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(path.join(os.tmpdir(), kind.workPrefix));
  cleanups.push(async () => {
    rmSync(work, { recursive: true, force: true });
    return [];
  });
  const logDir = path.join(options.repo, '.e2e', kind.logs);
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });

  let interrupted = false;
  let cleaning: Promise<string[]> | undefined;
  const cleanUp = () => {
    cleaning ??= (async () => {
      const left: string[] = [];
      for (const cleanup of cleanups.reverse()) left.push(...(await cleanup()));
      return left;
    })();
    return cleaning;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = true;
    console.error(`\n${signal}: cleaning up before exit`);
    void cleanUp().then((left) => {
      if (left.length > 0) console.error(`cleaning up left problems:\n${left.map((problem) => `- ${problem}`).join('\n')}`);
      process.exit(128 + os.constants.signals[signal]);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const run: Run = {
    options,
    work,
    logDir,
    cacheDir,
    phases,
    problems,
    get interrupted() {
      return interrupted;
    },
    imageBuilt: false,
    cleanup: (step) => cleanups.push(step),
  };
  let summary: string | void = undefined;
  try {
    await phases.time('install', () => ensureTools(options.harnessDir));
    const before = await captureHostState();
    cleanups.push(async () => {
      const processes = endProcessesNaming(work).map((left) => `a process of the run was still running (now ended): ${left}`);
      const left = removeCreatedPaths(before);
      const differences = compareHostState(before, await captureHostState());
      return [...processes, ...left, ...differences.map((difference) => `the machine changed: ${difference}`)];
    });
    summary = await body(run);
  } catch (error) {
    problems.push(describeError(error));
  } finally {
    problems.push(...(await phases.time('cleanup', cleanUp)));
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }

  console.log(`\n${phases.report(run.imageBuilt ? 'cold run (image built)' : 'warm run (image from cache)')}`);
  if (summary) console.log(`\n${summary}`);
  if (problems.length > 0) {
    console.error(`\n${kind.name} FAILED:\n${problems.map((problem) => `- ${problem}`).join('\n')}`);
    console.error(`\nthe run's logs are in ${path.relative(process.cwd(), logDir) || logDir}`);
    return 1;
  }
  console.log(`\n${kind.name} passed`);
  return 0;
}

async function ensureTools(harnessDir: string): Promise<void> {
  const missing: string[] = [];
  for (const tool of TOOLS) if (!(await available(tool))) missing.push(tool);
  if (missing.length === 0) return;
  log('install', `missing ${missing.join(', ')}: installing with e2e/install.sh`);
  await run('bash', [path.join(harnessDir, 'install.sh')], { timeoutMs: 600_000 });
}
