// DataLoaders are created fresh for every request (so no data leaks between callers or tenants)
// and memoised by name, so every `__resolveReference` and relation in one operation batches
// through the same loader.
import DataLoader from 'dataloader';

export class Loaders {
  private readonly byName = new Map<string, DataLoader<unknown, unknown>>();

  /**
   * The request's loader called `name`, created on first use from `batch`. `batch` must return
   * one value (or null) per key, in key order.
   */
  get<K, V>(name: string, batch: (keys: readonly K[]) => Promise<ReadonlyArray<V | null>>): DataLoader<K, V | null> {
    let loader = this.byName.get(name);
    if (!loader) {
      loader = new DataLoader<K, V | null>(batch, { maxBatchSize: 500 }) as DataLoader<unknown, unknown>;
      this.byName.set(name, loader);
    }
    return loader as DataLoader<K, V | null>;
  }
}

/** Orders `rows` to match `keys`, with null where a row is missing (e.g. hidden by RLS). */
export function byKeys<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): Array<V | null> {
  const index = new Map(rows.map((row) => [keyOf(row), row] as const));
  return keys.map((key) => index.get(key) ?? null);
}
