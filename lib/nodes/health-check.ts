import { Duration } from 'aws-cdk-lib';
import type { HealthCheck } from '../containers';

/** What a health check does where its props say nothing, on a Docker host and in a swarm alike (Docker's own defaults but the interval). */
export const HEALTH_CHECK_DEFAULTS = {
  interval: Duration.seconds(30),
  retries: 3,
  startPeriod: Duration.seconds(0),
  timeout: Duration.seconds(5),
} as const;

/** A health check with every default filled in, its durations in seconds. */
export interface HealthCheckSettings {
  readonly command: string[];
  readonly intervalSeconds: number;
  readonly retries: number;
  readonly startPeriodSeconds: number;
  readonly timeoutSeconds: number;
}

export function healthCheckSettings(health: HealthCheck): HealthCheckSettings {
  return {
    command: health.command,
    intervalSeconds: (health.interval ?? HEALTH_CHECK_DEFAULTS.interval).toSeconds(),
    retries: health.retries ?? HEALTH_CHECK_DEFAULTS.retries,
    startPeriodSeconds: (health.startPeriod ?? HEALTH_CHECK_DEFAULTS.startPeriod).toSeconds(),
    timeoutSeconds: (health.timeout ?? HEALTH_CHECK_DEFAULTS.timeout).toSeconds(),
  };
}
