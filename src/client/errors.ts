/** Failures of the SDK client, typed so callers can tell bad input from a down server. */
import type { FieldError } from '../core/index.ts';

export type ClientErrorKind = 'invalid_argument' | 'http' | 'network' | 'timeout';

/** Rejection of every client method. `status` is 0 when no HTTP response was received. */
export class PushClientError extends Error {
  override readonly name = 'PushClientError';
  constructor(
    readonly kind: ClientErrorKind,
    readonly status: number,
    /** Easemob `error` code (`illegal_argument`, `unauthorized`, ...). */
    readonly error: string,
    readonly error_description: string,
    readonly field?: string,
  ) {
    super(error_description);
  }

  static fromFieldErrors(errors: readonly FieldError[]): PushClientError {
    return new PushClientError('invalid_argument', 0, 'illegal_argument', errors.map((e) => e.message).join('; '), errors[0]?.field);
  }
}
