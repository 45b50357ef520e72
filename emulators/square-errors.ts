/**
 * Square's error envelope `{"errors":[{category, code, detail, field}]}` and every code the
 * emulators answer with, each with the HTTP status and category Square pairs it with.
 */
import type { WorldRejection } from './world/outcomes.ts';

export type ErrorCategory =
  | 'API_ERROR'
  | 'AUTHENTICATION_ERROR'
  | 'INVALID_REQUEST_ERROR'
  | 'RATE_LIMIT_ERROR';

export interface SquareError {
  category: ErrorCategory;
  code: ErrorCode;
  detail: string;
  field?: string;
}

const errorCodes = {
  UNAUTHORIZED: [401, 'AUTHENTICATION_ERROR'],
  NOT_FOUND: [404, 'INVALID_REQUEST_ERROR'],
  METHOD_NOT_ALLOWED: [405, 'INVALID_REQUEST_ERROR'],
  CONFLICT: [409, 'INVALID_REQUEST_ERROR'],
  INTERNAL_SERVER_ERROR: [500, 'API_ERROR'],
  // Answered only when a fault switch asks for them (faults.ts).
  SERVICE_UNAVAILABLE: [503, 'API_ERROR'],
  RATE_LIMITED: [429, 'RATE_LIMIT_ERROR'],
  BAD_REQUEST: [400, 'INVALID_REQUEST_ERROR'],
  EXPECTED_JSON_BODY: [400, 'INVALID_REQUEST_ERROR'],
  EXPECTED_OBJECT: [400, 'INVALID_REQUEST_ERROR'],
  EXPECTED_ARRAY: [400, 'INVALID_REQUEST_ERROR'],
  EXPECTED_STRING: [400, 'INVALID_REQUEST_ERROR'],
  EXPECTED_INTEGER: [400, 'INVALID_REQUEST_ERROR'],
  EXPECTED_BOOLEAN: [400, 'INVALID_REQUEST_ERROR'],
  MISSING_REQUIRED_PARAMETER: [400, 'INVALID_REQUEST_ERROR'],
  INVALID_VALUE: [400, 'INVALID_REQUEST_ERROR'],
  INVALID_ENUM_VALUE: [400, 'INVALID_REQUEST_ERROR'],
  INVALID_TIME: [400, 'INVALID_REQUEST_ERROR'],
  INVALID_TIME_RANGE: [400, 'INVALID_REQUEST_ERROR'],
  INVALID_CURSOR: [400, 'INVALID_REQUEST_ERROR'],
  VALUE_TOO_LOW: [400, 'INVALID_REQUEST_ERROR'],
  VALUE_TOO_HIGH: [400, 'INVALID_REQUEST_ERROR'],
  ARRAY_LENGTH_TOO_LONG: [400, 'INVALID_REQUEST_ERROR'],
  IDEMPOTENCY_KEY_REUSED: [400, 'INVALID_REQUEST_ERROR'],
} as const satisfies Record<string, readonly [number, ErrorCategory]>;

export type ErrorCode = keyof typeof errorCodes;

/** Thrown by handlers; the server turns it into the error envelope with its status. */
export class SquareApiError extends Error {
  readonly status: number;
  readonly error: SquareError;

  constructor(code: ErrorCode, detail: string, field?: string) {
    super(`${code}: ${detail}`);
    const [status, category] = errorCodes[code];
    this.status = status;
    this.error =
      field === undefined ? { category, code, detail } : { category, code, detail, field };
  }

  get body(): { errors: SquareError[] } {
    return { errors: [this.error] };
  }
}

export function squareError(code: ErrorCode, detail: string, field?: string): SquareApiError {
  return new SquareApiError(code, detail, field);
}

/** The one mapping from the world's refusals to Square errors. */
export function rejectionError(rejection: WorldRejection): SquareApiError {
  switch (rejection.reason) {
    case 'not_found':
      return squareError('NOT_FOUND', rejection.detail, rejection.field);
    case 'invalid':
      return squareError('INVALID_VALUE', rejection.detail, rejection.field);
    case 'version_mismatch':
      return squareError('CONFLICT', rejection.detail, rejection.field);
    case 'order_closed':
      return squareError('BAD_REQUEST', rejection.detail, rejection.field);
  }
}
