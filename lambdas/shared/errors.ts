/**
 * The handlers' errors: those of a property check or a lookup, which every
 * Reason is made of, and the protocol's own.
 */
export { InputError, LookupError, UserError } from '../../contracts/errors';

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
