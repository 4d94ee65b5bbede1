// The semaphore that bounds concurrent password hashing.
import { describe, expect, test } from 'vitest';
import { QueueFullError, Semaphore } from '../src/passwords/semaphore.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('Semaphore', () => {
  test('never runs more than `limit` tasks at once, and runs them all', async () => {
    const semaphore = new Semaphore(2, 100);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        semaphore.run(async () => {
          running += 1;
          peak = Math.max(peak, running);
          await tick();
          running -= 1;
          return i;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  test('refuses work beyond the waiting room instead of queueing without end', async () => {
    const semaphore = new Semaphore(1, 1);
    const first = semaphore.run(tick);
    const second = semaphore.run(tick);
    await expect(semaphore.run(tick)).rejects.toBeInstanceOf(QueueFullError);
    await Promise.all([first, second]);
    await expect(semaphore.run(async () => 'free again')).resolves.toBe('free again');
  });

  test('a failing task frees its slot', async () => {
    const semaphore = new Semaphore(1, 0);
    await expect(semaphore.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(semaphore.run(async () => 'next')).resolves.toBe('next');
  });
});
