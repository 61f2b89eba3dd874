/**
 * What goes wrong in a command, said so that the user knows what to do, and
 * the exit status it ends with: 1 for a failure, 2 for a bad command line.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A command line the usage does not allow: exits 2, with the usage. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** The AWS error's name (`ValidationError`, `InvalidInstanceId`, ...), or undefined for an error that is not AWS's. */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/**
 * The error a user can act on for an AWS SDK error that any command can
 * meet: no credentials, credentials AWS refuses, or a call the user's
 * policy does not allow. Any other error comes back as it was.
 */
export function explainAwsError(error: unknown, region: string): unknown {
  const name = awsErrorName(error);
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'CredentialsProviderError' || /Could not load credentials/.test(message)) {
    return new CliError(
      'no AWS credentials found: run `aws configure` or `aws sso login`, or pass --profile NAME (or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
    );
  }
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException' || name === 'UnrecognizedClientException' || name === 'InvalidClientTokenId') {
    return new CliError(`AWS refused the credentials (${name}: ${message}): sign in again (\`aws sso login\`) or pass --profile NAME`);
  }
  if (name === 'AccessDenied' || name === 'AccessDeniedException') {
    return new CliError(
      `AWS denied a call in ${region}: ${message}\nThe commands need cloudformation:DescribeStackResources, ListStackResources, DescribeStackResource and DescribeStackEvents on the stack, ` +
        'autoscaling:DescribeAutoScalingGroups for a swarm, ssm:SendCommand (document AWS-RunShellScript and the instances) and ssm:GetCommandInvocation for status and exec, logs:FilterLogEvents on the log group for logs',
    );
  }
  return error;
}
