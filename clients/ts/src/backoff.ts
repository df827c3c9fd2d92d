/** Reconnect delays: doubled from the initial one up to the maximum, each drawn from its upper half. */
export class Backoff {
  private attempts = 0;

  constructor(private readonly initialMs: number, private readonly maxMs: number) {}

  /** @returns the delay before the next attempt */
  next(): number {
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** this.attempts++);
    return delay / 2 + Math.random() * (delay / 2);
  }

  /** A connection opened: the next drop starts from the initial delay again. */
  reset(): void {
    this.attempts = 0;
  }
}
