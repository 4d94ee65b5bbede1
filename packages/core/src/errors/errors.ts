// The one registry of error codes. Every GraphQL error a client can see carries one of these in
// `extensions.code`. Expected failures a client should branch on are also typed in the schema
// (see packages/core/graphql/common.graphql); everything unexpected becomes INTERNAL, masked.
import { GraphQLError } from 'graphql';

export const ERROR_CODES = {
  UNAUTHENTICATED: 'The request has no valid credentials.',
  FORBIDDEN: 'The caller may not perform this operation.',
  NOT_FOUND: 'The object does not exist or is not visible to the caller.',
  VALIDATION_FAILED: 'The input is invalid; `fields` names each bad field.',
  CONFLICT: 'The change conflicts with the current state.',
  INVALID_CREDENTIALS: 'The email or password is wrong.',
  MODULE_DISABLED: 'The module is switched off for this company.',
  RATE_LIMITED: 'Too many attempts; retry later.',
  BAD_REQUEST: 'The request is malformed.',
  INTERNAL: 'Something went wrong on our side.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  /** Dotted path of the input field, e.g. `input.email`. */
  field: string;
  message: string;
}

/** An error the client is meant to see, with a stable code. */
export class AppError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code],
    extra: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { code, ...extra } });
    this.name = 'AppError';
  }
}

export class ValidationError extends AppError {
  constructor(readonly fields: FieldError[]) {
    super('VALIDATION_FAILED', `Invalid input: ${fields.map((f) => f.field).join(', ')}`, { fields });
    this.name = 'ValidationError';
  }
}

export const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
