import { Duration } from 'aws-cdk-lib';
import { PropError } from '../errors';
import { initFile, type InitFile } from './cfn-hup';

/** How often a node refreshes unless its props say otherwise. */
export const DEFAULT_REFRESH_INTERVAL = Duration.minutes(1);

/** The shortest refresh interval a node takes, in seconds. */
const MIN_REFRESH_SECONDS = 10;

/**
 * The refresh interval of `interval` in whole seconds, 0 when the refresh is
 * off; throws a `PropError` naming `refreshInterval` for anything else than
 * 0 or whole seconds from 10.
 */
export function refreshSeconds(owner: string, interval: Duration = DEFAULT_REFRESH_INTERVAL): number {
  const millis = interval.toMilliseconds();
  if (millis === 0) return 0;
  if (millis % 1000 !== 0 || millis < MIN_REFRESH_SECONDS * 1000) {
    throw new PropError(
      owner,
      'refreshInterval',
      `must be whole seconds of at least ${MIN_REFRESH_SECONDS}, such as Duration.minutes(1), or Duration.seconds(0) to turn the refresh off, got ${interval.toHumanString()}`,
    );
  }
  return millis / 1000;
}

/** What a node's refresh runs, how often, and after what. */
export interface RefreshTimerOptions {
  /** The systemd units' name, `<name>.timer` and `<name>.service`. */
  readonly name: string;
  /** What the refresh does, for the units' descriptions. */
  readonly description: string;
  /** The command the service runs. */
  readonly command: string;
  /** The units the service starts after. */
  readonly after: string;
  /** Seconds between two runs; 0 turns the timer off. */
  readonly intervalSeconds: number;
}

/**
 * A systemd timer and the oneshot service it runs every `intervalSeconds`,
 * as files and commands of a node's `AWS::CloudFormation::Init` metadata:
 * cfn-init writes the units, then enables the timer and restarts it, so a
 * new interval applies at once (at boot and after each stack update, as
 * cfn-hup runs cfn-init). With an interval of 0 the metadata holds no unit,
 * and the command stops and removes a timer an earlier update installed.
 * The service's output goes to the journal (`journalctl -u <name>`); being
 * oneshot, a run is never started while the last one still runs.
 */
export function refreshTimer(options: RefreshTimerOptions): { files: Array<[string, InitFile]>; commands: Record<string, { command: string }> } {
  const timer = `/etc/systemd/system/${options.name}.timer`;
  const service = `/etc/systemd/system/${options.name}.service`;
  const seconds = options.intervalSeconds;
  if (seconds === 0) {
    return {
      files: [],
      commands: {
        [`${options.name}-timer`]: {
          command: `if [ -e ${timer} ]; then systemctl disable --now ${options.name}.timer && rm -f ${timer} ${service} && systemctl daemon-reload; fi`,
        },
      },
    };
  }
  return {
    files: [
      [
        service,
        initFile(
          `[Unit]\nDescription=${options.description}\nAfter=${options.after}\n\n[Service]\nType=oneshot\nExecStart=${options.command}\n`,
          '000644',
        ),
      ],
      [
        timer,
        initFile(
          `[Unit]\nDescription=${options.description}, every ${seconds} s\n\n[Timer]\nOnActiveSec=${seconds}\nOnUnitActiveSec=${seconds}\nAccuracySec=1s\n\n[Install]\nWantedBy=timers.target\n`,
          '000644',
        ),
      ],
    ],
    commands: {
      [`${options.name}-timer`]: {
        command: `systemctl daemon-reload && systemctl enable ${options.name}.timer && systemctl restart ${options.name}.timer`,
      },
    },
  };
}
