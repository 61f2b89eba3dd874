/**
 * Where cfn-init writes the env-file rules, lib/nodes/env_file.py, on a Docker
 * host and on a swarm's managers: the apply program and the env-file writer
 * import them from this folder (`NODE_LIBRARY` in each).
 */
export const ENV_FILE_MODULE = '/usr/local/lib/docker-nodes/env_file.py';
