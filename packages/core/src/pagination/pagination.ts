// Relay cursor connections with keyset pagination. Cursors are opaque (base64url JSON of the
// sort key); `first` is capped so no list is unbounded.
import { z } from 'zod';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export const connectionArgsSchema = z.object({
  first: z.number().int().min(1).max(MAX_PAGE_SIZE).nullish(),
  after: z.string().max(500).nullish(),
});

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: Array<{ node: T; cursor: string }>;
  pageInfo: PageInfo;
}

export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor made by encodeCursor; null when it is not one. */
export function decodeCursor(cursor: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Builds a connection from rows fetched with `take: first + 1` (the extra row only says whether
 * there is a next page).
 */
export function toConnection<T>(rows: T[], first: number, cursorOf: (row: T) => Record<string, string | number>): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(cursorOf(node)) }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}
