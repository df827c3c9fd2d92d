import type { GenApiError } from './errors.js';

/**
 * The chunks of a stream call as an async iterator: `for await (const chunk of stream)`. Chunks that arrive before
 * they are read wait in memory. Leaving the loop early (`break`, `return`, a throw) cancels the call; so does
 * `cancel()`. A failed call throws its {@link GenApiError} from the loop once the chunks before it were read.
 */
export class CallStream<T> implements AsyncIterable<T> {
  private readonly chunks: T[] = [];
  private readonly waiting: Array<{ resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }> = [];
  private ended = false;
  private failure: GenApiError | undefined;

  /**
   * @param requestId the call's request id
   * @param onCancel asks the gateway to cancel the call (the client's part)
   */
  constructor(readonly requestId: string, private readonly onCancel: () => void) {}

  /** Cancels the call: the gateway stops it and the loop ends (with `CANCELLED` if it was still running). */
  cancel(): void {
    if (!this.ended) {
      this.onCancel();
    }
  }

  /** @returns whether the stream ended (its last frame came, or it failed) */
  get done(): boolean {
    return this.ended;
  }

  /** @internal one chunk */
  push(chunk: T): void {
    const next = this.waiting.shift();
    if (next) {
      next.resolve({ value: chunk, done: false });
    } else {
      this.chunks.push(chunk);
    }
  }

  /** @internal the end, with the failure if the call failed */
  end(failure?: GenApiError): void {
    if (this.ended) {
      return;
    }
    this.ended = true;
    this.failure = failure;
    for (const next of this.waiting.splice(0)) {
      if (failure) {
        next.reject(failure);
      } else {
        next.resolve({ value: undefined, done: true });
      }
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      return: () => {
        this.cancel();
        this.chunks.length = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  private next(): Promise<IteratorResult<T>> {
    if (this.chunks.length > 0) {
      return Promise.resolve({ value: this.chunks.shift() as T, done: false });
    }
    if (this.ended) {
      if (this.failure) {
        const failure = this.failure;
        this.failure = undefined;
        return Promise.reject(failure);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }
}
