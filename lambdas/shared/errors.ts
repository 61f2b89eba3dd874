/**
 * The handlers' errors. Each takes the ES2022 `{ cause }` of the error it
 * wraps, and carries what it is about as fields, so a log or a test reads
 * them without parsing the message.
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

/** The event cannot be answered (fields missing, or a ResponseURL the handler will not call). */
export class CannotAnswerError extends Error {
  /** The event's fields that leave it unanswerable. */
  public readonly fields: readonly string[];

  public constructor(message: string, options: ErrorOptions & { readonly fields: readonly string[] }) {
    super(message, options);
    this.name = 'CannotAnswerError';
    this.fields = options.fields;
  }
}
