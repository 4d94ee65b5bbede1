// Access-token signing keys (EdDSA over Ed25519). The private halves live in the SigningKey table,
// sealed with the data key, so every replica signs with the same key; the public halves are published as the JWKS, which
// the gateway uses to verify tokens. Keys are re-read from the database periodically, so a key
// created by `pnpm auth:keys rotate` is picked up by running processes without a restart; which
// key signs, is published or gets retired is decided by policy.ts.
import { importJWK, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import type { Logger, PrismaClient, SecretBox } from '@omni/core';
import { chooseSigner, isPublished, keysToRetire, type KeyTimings } from './policy.js';
import { generateSigningKey, SIGNING_ALGORITHM } from './key-pair.js';
import { findLiveKeys, insertSigningKey, retireKeys, type StoredKey } from './repository.js';

export { SIGNING_ALGORITHM, generateSigningKey } from './key-pair.js';
/** See KeyTimings.propagationDelayMs: twice jose's 30 s refetch cooldown. */
export const DEFAULT_PROPAGATION_DELAY_SECONDS = 60;
/** Clock difference tolerated between Auth and verifiers when keeping old keys published. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 30;

export interface ActiveKey {
  kid: string;
  privateKey: CryptoKey;
}

export interface SigningKeySettings {
  accessTokenTtlSeconds: number;
  /** Added to the token lifetime when deciding how long a key must keep verifying. */
  clockSkewSeconds?: number;
  /** See KeyTimings.propagationDelayMs. */
  propagationDelaySeconds?: number;
  /** Background re-read of the key table; must stay well below the propagation delay. */
  reloadIntervalMs?: number;
  /** A JWKS request re-reads the keys when the cached list is older than this. */
  jwksMaxAgeMs?: number;
}

interface LoadedKey extends StoredKey {
  privateKey: CryptoKey | null;
}

export class SigningKeys {
  private keys: LoadedKey[] = [];
  private loadedAt = 0;
  private loading: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  readonly timings: KeyTimings;
  private readonly reloadIntervalMs: number;
  private readonly jwksMaxAgeMs: number;

  constructor(
    private readonly prisma: PrismaClient,
    /** Seals and opens the private halves stored in the database. */
    private readonly box: SecretBox,
    settings: SigningKeySettings,
    private readonly logger?: Logger,
  ) {
    this.timings = keyTimings(settings);
    this.reloadIntervalMs = settings.reloadIntervalMs ?? 15_000;
    this.jwksMaxAgeMs = settings.jwksMaxAgeMs ?? 3_000;
  }

  /** First load (creating the first key when there is none), then re-reads in the background. */
  async start(): Promise<void> {
    await this.reload();
    this.timer ??= setInterval(() => {
      this.reload().catch((error: unknown) => this.logger?.warn({ err: error }, 'reloading signing keys failed'));
    }, this.reloadIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Re-reads the keys (one read at a time, shared by concurrent callers). Creates a key when none
   * is active (two processes doing so at once each add one; both get published and the newest
   * signs), and retires keys the policy says are done.
   */
  reload(): Promise<void> {
    this.loading ??= this.read().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** The key to sign with now. Waits for a re-read only when the background one fell far behind. */
  async signer(): Promise<ActiveKey> {
    if (Date.now() - this.loadedAt > this.reloadIntervalMs * 2) await this.reload();
    const key = chooseSigner(this.keys, new Date(), this.timings);
    if (!key?.privateKey) throw new Error('no signing key loaded');
    return { kid: key.kid, privateKey: key.privateKey };
  }

  /** Public keys only: members are copied one by one so a private `d` can never slip through. */
  async jwks(): Promise<JSONWebKeySet> {
    if (Date.now() - this.loadedAt > this.jwksMaxAgeMs) {
      // Verifiers are better served by the last known keys than by an error.
      await this.reload().catch((error: unknown) => {
        if (this.loadedAt === 0) throw error;
        this.logger?.warn({ err: error }, 'serving cached signing keys');
      });
    }
    const now = new Date();
    return {
      keys: this.keys
        .filter((key) => isPublished(key, now, this.timings))
        .map(({ kid, alg, publicJwk }) => {
          const { kty, crv, x } = publicJwk as JWK;
          return { kty, crv, x, kid, alg, use: 'sig' } as JWK;
        }),
    };
  }

  /** Adds a new key; it is published at once and signs after the propagation delay. */
  async rotate(): Promise<{ kid: string; createdAt: Date }> {
    const created = await insertSigningKey(this.prisma, this.box, await generateSigningKey());
    await this.reload();
    return created;
  }

  private async read(): Promise<void> {
    const retiredAfter = () => new Date(Date.now() - this.timings.retentionMs);
    let rows = await findLiveKeys(this.prisma, this.box, retiredAfter());
    if (!rows.some((row) => row.retiredAt === null)) {
      await insertSigningKey(this.prisma, this.box, await generateSigningKey());
      rows = await findLiveKeys(this.prisma, this.box, retiredAfter());
    }
    const done = keysToRetire(rows, new Date(), this.timings);
    if (done.length > 0) {
      await retireKeys(this.prisma, done.map((k) => k.kid));
      this.logger?.info({ kids: done.map((k) => k.kid) }, 'retired signing keys');
      rows = await findLiveKeys(this.prisma, this.box, retiredAfter());
    }
    this.keys = await Promise.all(rows.map((row) => this.withPrivateKey(row)));
    this.loadedAt = Date.now();
  }

  /** Imports the private half of keys that may sign; a retired key never signs again. */
  private async withPrivateKey(row: StoredKey): Promise<LoadedKey> {
    const known = this.keys.find((k) => k.kid === row.kid);
    if (row.retiredAt !== null) return { ...row, privateKey: null };
    const privateKey = known?.privateKey ?? ((await importJWK(row.privateJwk as JWK, SIGNING_ALGORITHM)) as CryptoKey);
    return { ...row, privateKey };
  }
}

/** The policy's timings for these settings, defaults filled in. */
export function keyTimings(settings: SigningKeySettings): KeyTimings {
  return {
    propagationDelayMs: (settings.propagationDelaySeconds ?? DEFAULT_PROPAGATION_DELAY_SECONDS) * 1000,
    retentionMs: (settings.accessTokenTtlSeconds + (settings.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS)) * 1000,
  };
}
