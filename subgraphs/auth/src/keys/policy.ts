// When a signing key signs, is published and is retired. Pure functions of the key list and the
// time, so every replica (and the key command) reaches the same answer from the same rows.
//
// Rotation without downtime (security.md §3.7): a new key is published first and only signs once
// every verifier can have fetched it; an old key keeps verifying until every token it signed has
// expired, and is then retired, and finally dropped from the JWKS.

export interface KeyTimings {
  /**
   * How long a new key is published before it signs. Longer than a verifier's refetch cooldown
   * (jose's createRemoteJWKSet refetches on an unknown kid at most every 30 s), so a verifier whose
   * cached JWKS predates the key can refetch before the first token with the new kid arrives.
   */
  propagationDelayMs: number;
  /** Access-token lifetime plus clock skew: how long a token signed now can still be presented. */
  retentionMs: number;
}

export interface KeyDates {
  kid: string;
  createdAt: Date;
  retiredAt: Date | null;
}

/** Newest first; ties broken by kid so every replica orders keys alike. */
export function newestFirst<K extends KeyDates>(keys: readonly K[]): K[] {
  return [...keys].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.kid < b.kid ? 1 : a.kid > b.kid ? -1 : 0));
}

/**
 * The key that signs: the newest active key published for at least the propagation delay; when
 * no key is that old (first start, or every older key retired), the newest active key.
 */
export function chooseSigner<K extends KeyDates>(keys: readonly K[], now: Date, timings: KeyTimings): K | null {
  const active = newestFirst(keys.filter((k) => k.retiredAt === null));
  const propagated = active.find((k) => k.createdAt.getTime() + timings.propagationDelayMs <= now.getTime());
  return propagated ?? active[0] ?? null;
}

/**
 * Active keys older than the signer, once the signer has signed for longer than a token lives:
 * nothing they signed can still be valid. (A signer chosen only because no key had propagated
 * yet retires nothing.)
 */
export function keysToRetire<K extends KeyDates>(keys: readonly K[], now: Date, timings: KeyTimings): K[] {
  const signer = chooseSigner(keys, now, timings);
  if (!signer) return [];
  const signingSince = signer.createdAt.getTime() + timings.propagationDelayMs;
  if (signingSince > now.getTime() || now.getTime() < signingSince + timings.retentionMs) return [];
  const order = newestFirst(keys.filter((k) => k.retiredAt === null));
  return order.slice(order.indexOf(signer) + 1);
}

/** Published in the JWKS: not retired, or retired so recently that its tokens may still be valid. */
export function isPublished(key: KeyDates, now: Date, timings: KeyTimings): boolean {
  return key.retiredAt === null || key.retiredAt.getTime() + timings.retentionMs > now.getTime();
}

export type KeyStatus = 'signing' | 'pending' | 'verifying' | 'retired' | 'removed';

/**
 * For people (the key command): `pending` is published but not yet signing, `verifying` is an
 * older active key, `retired` is still published for tokens it signed, `removed` is gone.
 */
export function keyStatus(key: KeyDates, keys: readonly KeyDates[], now: Date, timings: KeyTimings): KeyStatus {
  if (key.retiredAt !== null) return isPublished(key, now, timings) ? 'retired' : 'removed';
  const signer = chooseSigner(keys, now, timings);
  if (signer?.kid === key.kid) return 'signing';
  const order = newestFirst(keys.filter((k) => k.retiredAt === null)).map((k) => k.kid);
  return signer && order.indexOf(key.kid) < order.indexOf(signer.kid) ? 'pending' : 'verifying';
}
