import { GenApiError } from './errors.js';
import type { ResponseFrame } from './frames.js';
import type { CallStream } from './stream.js';

/** What a call does with its frames; each call gets exactly one end, a frame's or a failure's. */
export interface Receiver {
  /** @returns whether the frame was the call's last */
  frame(frame: ResponseFrame): boolean;
  fail(error: GenApiError): void;
}

/** @returns the error a failed Response frame carries */
export function errorOf(frame: ResponseFrame): GenApiError {
  return new GenApiError(frame.code ?? 'INTERNAL', frame.error ?? 'failed', frame.request_id, frame.can_retry, false,
    frame.retry_after_ms);
}

/**
 * A sync or async call answered by one promise: an async ack is skipped, the final frame resolves. Called on a stream
 * function, it resolves with the array of its chunks.
 */
export class UnaryReceiver<T> implements Receiver {
  private chunks: unknown[] | undefined;

  constructor(private readonly resolve: (value: T) => void, private readonly reject: (error: GenApiError) => void) {}

  frame(frame: ResponseFrame): boolean {
    if (!frame.success) {
      this.reject(errorOf(frame));
      return true;
    }
    if (frame.has_more) {
      // the first frame of a stream is its "init" ack
      if (this.chunks === undefined) {
        this.chunks = [];
      } else {
        this.chunks.push(frame.result);
      }
      return false;
    }
    if (this.chunks !== undefined) {
      if (frame.result !== null) {
        this.chunks.push(frame.result);
      }
      this.resolve(this.chunks as T);
      return true;
    }
    if (frame.async) {
      return false;
    }
    this.resolve(frame.result as T);
    return true;
  }

  fail(error: GenApiError): void {
    this.reject(error);
  }
}

/**
 * A stream call feeding a {@link CallStream}: the "init" ack is skipped, each chunk pushed, the end frame's result (if
 * not null) is the last chunk. Called on a sync or async function, its one result is the only chunk.
 */
export class StreamReceiver<T> implements Receiver {
  private started = false;

  constructor(private readonly stream: CallStream<T>) {}

  frame(frame: ResponseFrame): boolean {
    if (!frame.success) {
      this.stream.end(errorOf(frame));
      return true;
    }
    if (frame.has_more) {
      if (this.started) {
        this.stream.push(frame.result as T);
      }
      this.started = true;
      return false;
    }
    if (frame.async && !this.started) {
      return false;
    }
    if (frame.result !== null || !this.started) {
      this.stream.push(frame.result as T);
    }
    this.stream.end();
    return true;
  }

  fail(error: GenApiError): void {
    this.stream.end(error);
  }
}
