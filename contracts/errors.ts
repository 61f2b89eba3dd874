/**
 * The errors a property check or a lookup raises, read by the handlers and
 * by the constructs' synth-time checks alike. Each takes the ES2022
 * `{ cause }` of the error it wraps, and carries what it is about as fields,
 * so a log or a test reads them without parsing the message.
 */

/**
 * An error whose message is a sentence an operator can act on. The handler
 * sends the message as the CloudFormation `Reason` as it is.
 */
export class UserError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UserError';
  }
}

/** A property is missing, unknown or malformed. */
export class InputError extends UserError {
  /** The properties at fault, as the event names them. */
  public readonly properties: readonly string[];

  public constructor(message: string, options: ErrorOptions & { readonly properties?: readonly string[] } = {}) {
    super(message, options);
    this.name = 'InputError';
    this.properties = options.properties ?? [];
  }
}

/** The lookup found nothing, or more than one thing, for what was asked. */
export class LookupError extends UserError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LookupError';
  }
}
