import { readFileSync } from 'node:fs';
import * as path from 'node:path';

// The programs the hosts run and the env-file rules they share, shipped to them in the metadata, and the
// swarm's helper scripts, which the nodes' user data writes. They are read from this file's folder: lib/
// in the source, dist/lib/ beside the bundle, where the build copies them.

/** The env-file rules the apply program and the swarm's env-file writer import: names, lines, values, the KEY=value rendering. */
export const ENV_FILE_SOURCE = readFileSync(path.join(__dirname, 'nodes', 'env_file.py'), 'utf8');

/** How the nodes' metric publishers send their samples to CloudWatch, which both import. */
export const NODE_METRICS_SOURCE = readFileSync(path.join(__dirname, 'nodes', 'node_metrics.py'), 'utf8');

/** Publishes the state of a Docker host's containers to CloudWatch every minute. */
export const HOST_METRICS_SOURCE = readFileSync(path.join(__dirname, 'host', 'docker-host-metrics.py'), 'utf8');

/** Publishes the state of a swarm's services and nodes to CloudWatch every minute, from the leading manager. */
export const SWARM_METRICS_SOURCE = readFileSync(path.join(__dirname, 'swarm', 'docker-swarm-metrics.py'), 'utf8');

/** Converges a Docker host on the containers its host file lists. */
export const APPLY_SOURCE = readFileSync(path.join(__dirname, 'host', 'docker-host-apply.py'), 'utf8');

/** Writes the env-files of a swarm's services on a manager, refusing a value that would not stay one value. */
export const SWARM_ENV_SOURCE = readFileSync(path.join(__dirname, 'swarm', 'docker-swarm-env.py'), 'utf8');

/** Runs a swarm's docker stack deploy on the leading manager, waits until the services converged and signals the services' wait condition. */
export const SWARM_GATE_SOURCE = readFileSync(path.join(__dirname, 'swarm', 'docker-swarm-gate.py'), 'utf8');

/** The swarm managers' deploy helper, with its `@NAME@` words filled in at synth time. */
export const SWARM_DEPLOY_SCRIPT = readFileSync(path.join(__dirname, 'swarm', 'docker-swarm-deploy.sh'), 'utf8');

/** The swarm managers' drain helper, run when a worker leaves, with its `@NAME@` words filled in at synth time. */
export const SWARM_DRAIN_SCRIPT = readFileSync(path.join(__dirname, 'swarm', 'docker-swarm-drain.sh'), 'utf8');

/** The swarm nodes' reload helper, with its `@NAME@` words filled in at synth time. */
export const SWARM_RELOAD_SCRIPT = readFileSync(path.join(__dirname, 'swarm', 'docker-swarm-reload.sh'), 'utf8');
