/** The one catalogue of API errors: code → HTTP status, and the thrown error type that carries them. */
import { describeFieldErrors, type FieldError } from '../core/index.ts';

export const ERRORS = {
  illegal_argument: 400,
  unauthorized: 401,
  auth_bad_access_token: 401,
  forbidden: 403,
  service_not_enabled: 403,
  service_resource_not_found: 404,
  duplicate_unique_property_exists: 400,
  resource_limited: 429,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** Thrown by handlers; the error handler turns it into the Easemob error envelope. */
export class ApiError extends Error {
  readonly status: number;
  constructor(readonly code: ErrorCode, description: string) {
    super(description);
    this.status = ERRORS[code];
  }
}

/** 400 illegal_argument from core FieldErrors. */
export function badInput(errors: readonly FieldError[]): ApiError {
  return new ApiError('illegal_argument', describeFieldErrors(errors));
}

export const notFound = (what: string) => new ApiError('service_resource_not_found', what);
export const forbidden = (what: string) => new ApiError('forbidden', what);

/** 429 resource_limited with a Retry-After (seconds, at least 1): a limit, never a stall (SPEC 7). */
export class LimitedError extends ApiError {
  readonly retryAfterS: number;
  constructor(description: string, retryAfterMs: number) {
    super('resource_limited', description);
    this.retryAfterS = Math.max(1, Math.ceil(retryAfterMs / 1000));
  }
}
