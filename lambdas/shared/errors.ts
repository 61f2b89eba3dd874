/**
 * An error whose message is a sentence an operator can act on. The handler
 * sends the message as the CloudFormation `Reason` as it is.
 */
export class UserError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** A property is missing, unknown or malformed. */
export class InputError extends UserError {
  public constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** The lookup found nothing, or more than one thing, for what was asked. */
export class LookupError extends UserError {
  public constructor(message: string) {
    super(message);
    this.name = 'LookupError';
  }
}
