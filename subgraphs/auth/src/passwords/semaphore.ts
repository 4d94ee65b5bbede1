// A counting semaphore with a bounded queue. Password hashing is deliberately expensive (19 MiB
// and tens of milliseconds each), so a flood of log-ins must queue instead of exhausting memory
// and CPU, and past a point must be refused instead of queueing without end.
export class QueueFullError extends Error {
  constructor() {
    super('too many operations waiting');
    this.name = 'QueueFullError';
  }
}

export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active += 1;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxWaiting) return Promise.reject(new QueueFullError());
    // The slot is handed over directly by release(), so `active` stays counted.
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}
