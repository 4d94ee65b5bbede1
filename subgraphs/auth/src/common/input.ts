// Turns a zod failure into the schema's typed ValidationFailed result, naming every bad field by
// its path in the operation (`input.email`), so clients can show each message next to its field.
import type { z } from 'zod';

export interface FieldProblem {
  field: string;
  message: string;
}

export interface ValidationFailedResult {
  __typename: 'ValidationFailed';
  code: 'VALIDATION_FAILED';
  message: string;
  fields: FieldProblem[];
}

export type ParsedInput<T> = { ok: true; value: T } | { ok: false; failure: ValidationFailedResult };

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, argument = 'input'): ParsedInput<z.output<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const fields = parsed.error.issues.map((issue) => ({
    field: [argument, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  return {
    ok: false,
    failure: {
      __typename: 'ValidationFailed',
      code: 'VALIDATION_FAILED',
      message: `Invalid input: ${[...new Set(fields.map((f) => f.field))].join(', ')}`,
      fields,
    },
  };
}
