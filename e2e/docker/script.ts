/** One `docker run` of a user data script, as the script's words say. */
export interface DockerRun {
  readonly name: string;
  readonly image: string;
  readonly command: readonly string[];
  readonly restart?: string;
  /** `--memory` as given, such as `96m`. */
  readonly memory?: string;
  /** `--publish` mappings as given, such as `11211:11211/tcp`. */
  readonly publish: readonly string[];
  /** `--env-file` paths, with the script's variables expanded. */
  readonly envFiles: readonly string[];
  /** The env-file of the container's secret, which the host writes from Secrets Manager. */
  readonly secretEnvFile?: string;
  /** `--log-driver` and its `--log-opt`s. */
  readonly logging?: { readonly driver: string; readonly options: Readonly<Record<string, string>> };
  /** `--user`. */
  readonly user?: string;
  /** `--read-only`. */
  readonly readOnlyRootFilesystem?: boolean;
}

/** A file a script writes from a here-string of base64 (`base64 --decode > FILE <<< B64`): its path and what it holds. */
export interface DecodedFile {
  readonly path: string;
  readonly content: string;
}

/** What the end-to-end run reads from a user data script without running it. */
export interface ScriptPlan {
  readonly dockerRuns: readonly DockerRun[];
  readonly files: readonly DecodedFile[];
}

const OPTIONS_WITH_VALUE = new Set(['--name', '--restart', '--memory', '-m', '--publish', '-p', '--env-file', '--env', '-e', '--user', '-u', '--network', '--volume', '-v', '--entrypoint', '--workdir', '-w', '--label', '-l', '--log-driver', '--log-opt', '--memory-swap', '--cpus', '--hostname', '-h', '--mount']);

/**
 * Reads the `docker run` commands and base64-decoded files of a bash user
 * data script: continuation lines joined, quotes removed, and variables set
 * by plain `name=value` lines of the script expanded.
 */
export function planScript(script: string): ScriptPlan {
  const variables: Record<string, string> = {};
  const dockerRuns: DockerRun[] = [];
  const files: DecodedFile[] = [];
  const lines = script.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)}${lines[++i]}`;
    const decoded = /^\s*base64 --decode > (.+?) <<< ([A-Za-z0-9+/=]*)$/.exec(line);
    if (decoded) {
      files.push({ path: shellWords(decoded[1], variables).join(' '), content: Buffer.from(decoded[2], 'base64').toString('utf8') });
      continue;
    }
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(\S.*)?$/.exec(line.trim());
    if (assignment) {
      variables[assignment[1]] = shellWords(assignment[2] ?? '', variables).join(' ');
      continue;
    }
    const words = shellWords(line, variables);
    if (words[0] === 'docker' && words[1] === 'run') dockerRuns.push(parseDockerRun(words.slice(2)));
  }
  return { dockerRuns, files };
}

function parseDockerRun(args: readonly string[]): DockerRun {
  const values = new Map<string, string[]>();
  let i = 0;
  for (; i < args.length && args[i].startsWith('-'); i++) {
    const [option, inline] = args[i].includes('=') ? [args[i].slice(0, args[i].indexOf('=')), args[i].slice(args[i].indexOf('=') + 1)] : [args[i], undefined];
    if (!OPTIONS_WITH_VALUE.has(option)) continue;
    const value = inline ?? args[++i];
    const key = LONG_NAMES[option] ?? option;
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  const last = (key: string) => values.get(key)?.at(-1);
  return {
    name: last('--name') ?? '',
    image: args[i] ?? '',
    command: args.slice(i + 1),
    restart: last('--restart'),
    memory: last('--memory'),
    publish: values.get('--publish') ?? [],
    envFiles: values.get('--env-file') ?? [],
  };
}

const LONG_NAMES: Readonly<Record<string, string>> = { '-m': '--memory', '-p': '--publish', '-e': '--env' };

/**
 * Splits a line into words as bash would for simple commands: single quotes
 * literal, double quotes with `$name`/`${name}` expanded and `\` escaping
 * `"$\``, bare words with both. Stops at an unquoted `#` comment.
 */
export function shellWords(line: string, variables: Readonly<Record<string, string>>): string[] {
  const words: string[] = [];
  let word: string | undefined;
  const append = (text: string) => (word = (word ?? '') + text);
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '#' && word === undefined) {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      append(line.slice(i + 1, end < 0 ? line.length : end));
      i = end < 0 ? line.length : end;
    } else if (c === '"') {
      append('');
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && '"$`\\'.includes(line[i + 1] ?? '')) append(line[++i]);
        else if (line[i] === '$') i = expand(line, i, variables, append);
        else append(line[i]);
      }
    } else if (c === '\\') {
      append(line[++i] ?? '');
    } else if (c === '$') {
      i = expand(line, i, variables, append);
    } else {
      append(c);
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Expands `$name` or `${name}` at `i`; returns the index of its last character. */
function expand(line: string, i: number, variables: Readonly<Record<string, string>>, append: (text: string) => void): number {
  const match = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(line.slice(i));
  if (!match) {
    append('$');
    return i;
  }
  append(variables[match[1] ?? match[2]] ?? '');
  return i + match[0].length - 1;
}

/** The host file of an instance's resolved `AWS::CloudFormation::Init` metadata, as the apply program reads it. */
export function hostFileOf(metadata: Record<string, any>): HostFile {
  return metadata['AWS::CloudFormation::Init'].config.files['/etc/docker-host/host.json'].content as HostFile;
}

/** What the end-to-end run reads of a host file. */
export interface HostFile {
  readonly envFileDirectory: string;
  readonly containers: ReadonlyArray<{
    readonly name: string;
    readonly image: string;
    readonly command: readonly string[];
    readonly restart: string;
    readonly memoryMiB?: number;
    readonly ports: ReadonlyArray<{ readonly hostPort: number; readonly containerPort: number; readonly protocol: string }>;
    readonly environmentFile?: string;
    readonly environment?: Readonly<Record<string, string>>;
    readonly secretArn?: string;
    readonly logging?: { readonly driver: string; readonly options: Readonly<Record<string, string>> };
    readonly user?: string;
    readonly readOnlyRootFilesystem?: boolean;
  }>;
}

/** The containers a host file asks for, as `docker run` would get them, and the env-files the apply program writes. */
export function planHost(host: HostFile): ScriptPlan {
  const envFile = (name: string) => `${host.envFileDirectory}/${name}.env`;
  const envLines = (container: HostFile['containers'][number]) => [
    ...(container.environmentFile === undefined ? [] : [container.environmentFile]),
    ...Object.keys(container.environment ?? {})
      .sort()
      .map((key) => `${key}=${container.environment![key]}`),
  ];
  return {
    dockerRuns: host.containers.map((container) => ({
      name: container.name,
      image: container.image,
      command: container.command,
      restart: container.restart,
      memory: container.memoryMiB === undefined ? undefined : `${container.memoryMiB}m`,
      publish: container.ports.map((port) => `${port.hostPort}:${port.containerPort}/${port.protocol}`),
      envFiles: envLines(container).length === 0 ? [] : [envFile(container.name)],
      secretEnvFile: container.secretArn === undefined ? undefined : `${host.envFileDirectory}/${container.name}.secret.env`,
      logging: container.logging,
      user: container.user,
      readOnlyRootFilesystem: container.readOnlyRootFilesystem,
    })),
    files: host.containers
      .filter((container) => envLines(container).length > 0)
      .map((container) => ({ path: envFile(container.name), content: `${envLines(container).join('\n')}\n` })),
  };
}
