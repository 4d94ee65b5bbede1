import { describe, expect, it } from 'vitest';
import { connectionArgsSchema, decodeCursor, encodeCursor, MAX_PAGE_SIZE, toConnection } from '../src/pagination/pagination.js';
import { byKeys } from '../src/loaders/loaders.js';

describe('pagination', () => {
  it('round-trips opaque cursors and rejects garbage', () => {
    const cursor = encodeCursor({ createdAt: '2026-01-01T00:00:00.000Z', id: 'a' });
    expect(decodeCursor(cursor)).toEqual({ createdAt: '2026-01-01T00:00:00.000Z', id: 'a' });
    expect(decodeCursor('not a cursor')).toBeNull();
    expect(decodeCursor(Buffer.from('[1]').toString('base64url'))).toBeNull();
  });

  it('caps first', () => {
    expect(connectionArgsSchema.safeParse({ first: MAX_PAGE_SIZE }).success).toBe(true);
    expect(connectionArgsSchema.safeParse({ first: MAX_PAGE_SIZE + 1 }).success).toBe(false);
    expect(connectionArgsSchema.safeParse({ first: 0 }).success).toBe(false);
  });

  it('builds a page from first + 1 rows', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const page = toConnection(rows, 2, (r) => ({ id: r.id }));
    expect(page.edges.map((e) => e.node.id)).toEqual(['a', 'b']);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor({ id: 'b' }) });
    expect(toConnection(rows.slice(0, 1), 2, (r) => ({ id: r.id })).pageInfo.hasNextPage).toBe(false);
  });

  it('orders loader results by key with null for missing rows', () => {
    expect(byKeys(['b', 'x', 'a'], [{ id: 'a' }, { id: 'b' }], (r) => r.id)).toEqual([{ id: 'b' }, null, { id: 'a' }]);
  });
});
