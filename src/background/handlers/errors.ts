/** Turns client failures into protocol errors, and says which failures are worth retrying. */
import { PushClientError } from '../../client/index.ts';
import type { FieldError } from '../../core/index.ts';
import { ProtocolError } from '../../shared/protocol.ts';

/** A network failure, a timeout, 429 or 5xx: the write may succeed later. */
export function isRetryable(e: unknown): boolean {
  return e instanceof PushClientError && (e.kind === 'network' || e.kind === 'timeout' || e.status >= 500 || e.status === 429);
}

/** The token was refused: the user must sign in again. */
export function isAuthFailure(e: unknown): boolean {
  return e instanceof PushClientError && e.status === 401;
}

/** Bad input found by core, as the protocol's invalid_argument naming the first field. */
export function invalid(errors: readonly FieldError[]): ProtocolError {
  return new ProtocolError('invalid_argument', errors.map((e) => e.message).join('; '), errors[0]?.field);
}

/** Any failure of a client call, as a ProtocolError the UI can show. */
export function toProtocolError(e: unknown): ProtocolError {
  if (e instanceof ProtocolError) return e;
  if (e instanceof PushClientError) {
    if (e.kind === 'invalid_argument') return new ProtocolError('invalid_argument', e.message, e.field);
    if (e.kind === 'network' || e.kind === 'timeout') return new ProtocolError('unreachable', e.message);
    if (e.status === 401) return new ProtocolError('session_expired', e.message);
    if (e.status === 403) return new ProtocolError('permission_denied', e.message);
    if (e.status >= 400 && e.status < 500) return new ProtocolError('invalid_argument', e.message);
    return new ProtocolError('server_error', e.message);
  }
  return new ProtocolError('server_error', e instanceof Error ? e.message : String(e));
}

/** A one-line description of a failure for syncError / lastError. */
export function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
