// Password hashing with argon2id at the OWASP Password Storage Cheat Sheet's parameters
// (m = 19 MiB, t = 2, p = 1), through a semaphore so concurrent hashing stays bounded.
import { randomBytes } from 'node:crypto';
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { AppError } from '@omni/core';
import { QueueFullError, Semaphore } from './semaphore.js';

// `Algorithm` is a const enum, which isolatedModules cannot inline; 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

export const ARGON2_OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export interface PasswordHasherOptions {
  /** Hashes running at once; libuv's thread pool (4 by default) runs them. */
  concurrency?: number;
  /** Hashes waiting for a slot before callers are told to retry later. */
  maxWaiting?: number;
}

export class PasswordHasher {
  private readonly semaphore: Semaphore;
  private dummyHash: Promise<string> | undefined;

  constructor(options: PasswordHasherOptions = {}) {
    this.semaphore = new Semaphore(options.concurrency ?? 4, options.maxWaiting ?? 200);
  }

  hash(password: string): Promise<string> {
    return this.bounded(() => hash(password, ARGON2_OPTIONS));
  }

  /** False for a wrong password or a malformed stored hash. */
  verify(passwordHash: string, password: string): Promise<boolean> {
    return this.bounded(() => verify(passwordHash, password).catch(() => false));
  }

  /**
   * Spends the same work as a real verification and always fails. Used for unknown emails so
   * the response time does not reveal whether an account exists.
   */
  async verifyDummy(password: string): Promise<false> {
    await this.verify(await this.prepare(), password);
    return false;
  }

  /** Creates the hash verifyDummy checks against; call at start-up so no request pays for it. */
  prepare(): Promise<string> {
    this.dummyHash ??= hash(randomBytes(32), ARGON2_OPTIONS);
    return this.dummyHash;
  }

  private async bounded<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await this.semaphore.run(fn);
    } catch (error) {
      if (error instanceof QueueFullError) throw new AppError('RATE_LIMITED');
      throw error;
    }
  }
}
