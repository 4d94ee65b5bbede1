// Relay connection arguments for keyset-paginated lists: `first` within the platform's page-size
// cap, `after` decoded into the list's own sort key. Bad arguments of a query are a
// VALIDATION_FAILED error naming the argument (queries have no typed result to carry them).
import { connectionArgsSchema, decodeCursor, DEFAULT_PAGE_SIZE, ValidationError } from '@omni/core';
import type { z } from 'zod';

export interface PageArgs<K> {
  first: number;
  /** The sort key of the row to continue after; null for the first page. */
  after: K | null;
}

export function parsePageArgs<K>(
  args: { first?: number | null; after?: string | null },
  cursorKey: z.ZodType<K>,
): PageArgs<K> {
  const parsed = connectionArgsSchema.safeParse({ first: args.first, after: args.after });
  if (!parsed.success) {
    throw new ValidationError(parsed.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message })));
  }
  const { first, after } = parsed.data;
  let key: K | null = null;
  if (after) {
    const decoded = cursorKey.safeParse(decodeCursor(after));
    if (!decoded.success) throw new ValidationError([{ field: 'after', message: 'is not a cursor of this list' }]);
    key = decoded.data;
  }
  return { first: first ?? DEFAULT_PAGE_SIZE, after: key };
}
