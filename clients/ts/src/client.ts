import { GenApiError } from './errors.js';
import { Emitter } from './events.js';
import { pushOf, type ControlFrame, type ResponseFrame } from './frames.js';
import { Links } from './links.js';
import type { CallOptions, ClientEvents, ClientOptions } from './options.js';
import { encodeCall, type Pending } from './pending.js';
import { StreamReceiver, UnaryReceiver, type Receiver } from './receivers.js';
import type { Connection, WebSocketConstructor } from './socket.js';
import { CallStream } from './stream.js';

export { GenApiError, type ErrorCode } from './errors.js';
export type { CallOptions, ClientEvents, ClientOptions } from './options.js';
export type { Push, ResponseFrame } from './frames.js';
export type { WebSocketConstructor, WebSocketLike } from './socket.js';
export { CallStream } from './stream.js';

/** The text of the answer a draining gateway gives a call it did not run. */
const DRAIN_REFUSAL = 'Service unavailable: gateway draining';
const MAX_DRAIN_RESENDS = 3;

/**
 * A client of a GenApi gateway's native WebSocket protocol (`/ws`). Calls made while no connection is open wait and
 * are sent once one is; each call ends exactly once: with its answer, or with `CONNECTION_LOST` when its socket closed
 * after it was sent. When a gateway drains, the calls on the wire finish on the old connection, new calls wait for
 * the new one, and calls the draining gateway refused (they did not run) are sent again there.
 */
export class GenApiClient {
  private readonly events = new Emitter<ClientEvents>();
  private readonly pending = new Map<string, Pending>();
  private readonly queue: Pending[] = [];
  private readonly links: Links;
  private readonly prefix: string;
  private nextId = 0;

  constructor(private readonly options: ClientOptions) {
    const chosen = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!chosen) {
      throw new TypeError('GenApiClient: no WebSocket class: pass options.WebSocket (the ws package on Node 20)');
    }
    this.links = new Links(options, chosen, this.events, {
      opened: () => this.flush(),
      message: (connection, data) => this.receive(connection, data),
      closed: (connection, code) => this.lost(connection, code),
    });
    this.prefix = options.requestIdPrefix ?? `ts-${Math.random().toString(36).slice(2, 8)}-`;
    this.links.connect();
  }

  /** Listens to an event. @returns the function that stops listening */
  on<K extends keyof ClientEvents>(event: K, listener: (e: ClientEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** @returns a promise resolved once a connection is open (at once if one is) */
  ready(): Promise<void> {
    if (this.links.current?.opened) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const off = this.on('open', () => {
        off();
        resolve();
      });
    });
  }

  /** Calls a sync or async function. @returns its result (the chunks, as an array, of a stream function) */
  call<R = unknown>(service: string, requestType: string, args: object = {}, options: CallOptions = {}): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.start(service, requestType, args, options, () => new UnaryReceiver<R>(resolve, reject));
    });
  }

  /** Calls a stream function. @returns its chunks, as an async iterator */
  stream<C = unknown>(service: string, requestType: string, args: object = {}, options: CallOptions = {}): CallStream<C> {
    const id = options.requestId ?? this.newId();
    const stream = new CallStream<C>(id, () => this.cancel(id));
    this.start(service, requestType, args, { ...options, requestId: id }, () => new StreamReceiver<C>(stream));
    return stream;
  }

  /**
   * Calls a function whose response_type is `none`. @returns a promise resolved once the call is written; an error
   * the gateway answers later comes as an `unmatched` event
   */
  notify(service: string, requestType: string, args: object = {}, options: CallOptions = {}): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const receiver: Receiver = { frame: () => true, fail: reject };
      this.start(service, requestType, args, options, () => receiver, (call) => {
        this.end(call);
        resolve();
      });
    });
  }

  /** Cancels a call in flight by its request id (what an AbortSignal does). */
  cancel(requestId: string): void {
    const call = this.pending.get(requestId);
    if (!call) {
      return;
    }
    if (call.connection) {
      call.connection.write(JSON.stringify({ op: 'cancel', request_id: requestId }));
    } else {
      this.end(call, new GenApiError('CANCELLED', 'Cancelled before it was sent', requestId, false, true));
    }
  }

  /** Closes every connection; calls in flight fail with `CLIENT_CLOSED`; no reconnect. */
  close(): void {
    this.links.close();
    for (const call of [...this.pending.values()]) {
      this.end(call, new GenApiError('CLIENT_CLOSED', 'The client was closed', call.id, false, true));
    }
  }

  private newId(): string {
    return `${this.prefix}${++this.nextId}`;
  }

  private start(service: string, requestType: string, args: object, options: CallOptions,
                receiverOf: () => Receiver, onSent?: (call: Pending) => void): void {
    const id = options.requestId ?? this.newId();
    const receiver = receiverOf();
    if (this.links.closed || this.pending.has(id)) {
      receiver.fail(this.links.closed
        ? new GenApiError('CLIENT_CLOSED', 'The client was closed', id, false, true)
        : new GenApiError('INVALID_REQUEST', `request_id ${id} is already in flight`, id, false, true));
      return;
    }
    if (options.signal?.aborted) {
      receiver.fail(new GenApiError('CANCELLED', 'Cancelled before it was sent', id, false, true));
      return;
    }
    const frame = encodeCall(id, service, requestType, args, options.version, this.options);
    const call: Pending = { id, frame, receiver, resends: 0, ...(onSent ? { onSent: () => onSent(call) } : {}) };
    this.pending.set(id, call);
    if (options.signal) {
      const signal = options.signal;
      const abort = (): void => this.cancel(id);
      signal.addEventListener('abort', abort, { once: true });
      call.unlisten = () => signal.removeEventListener('abort', abort);
    }
    if (options.timeoutMs !== undefined) {
      call.timer = setTimeout(() => this.timedOut(call, options.timeoutMs as number), options.timeoutMs);
    }
    this.queue.push(call);
    this.flush();
  }

  private timedOut(call: Pending, ms: number): void {
    call.connection?.write(JSON.stringify({ op: 'cancel', request_id: call.id }));
    this.end(call, new GenApiError('TIMEOUT', `No answer within ${ms} ms`, call.id, true, true));
  }

  /** Sends the waiting calls on the current connection, if it is open. */
  private flush(): void {
    const connection = this.links.current;
    while (connection?.opened && !connection.draining && this.queue.length > 0) {
      const call = this.queue.shift() as Pending;
      if (this.pending.get(call.id) !== call) {
        continue;
      }
      if (!connection.write(call.frame)) {
        this.queue.unshift(call);
        return;
      }
      call.connection = connection;
      call.onSent?.();
    }
  }

  /** Ends a call once: its receiver fails (unless it got its last frame), its timer and listener go. */
  private end(call: Pending, failure?: GenApiError): void {
    if (this.pending.get(call.id) !== call) {
      return;
    }
    this.pending.delete(call.id);
    this.settle(call);
    if (failure) {
      call.receiver.fail(failure);
    }
  }

  private settle(call: Pending): void {
    clearTimeout(call.timer);
    call.unlisten?.();
    const index = this.queue.indexOf(call);
    if (index >= 0) {
      this.queue.splice(index, 1);
    }
    if (call.connection) {
      this.closeIfDone(call.connection);
    }
  }

  private receive(connection: Connection, data: unknown): void {
    let frame: ResponseFrame | ControlFrame;
    try {
      frame = JSON.parse(String(data)) as ResponseFrame | ControlFrame;
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) {
      return;
    }
    if ('op' in frame) {
      if (frame.op === 'drain') {
        this.links.drained(connection, frame.reconnect_after_ms ?? 0);
        this.closeIfDone(connection);
      }
      return;
    }
    if (typeof frame.push === 'string') {
      this.events.emit('push', pushOf(frame as ResponseFrame & { push: string }));
      return;
    }
    const call = this.pending.get(frame.request_id);
    if (!call || call.connection !== connection) {
      this.events.emit('unmatched', frame);
    } else if (!frame.success && frame.code === 'UNAVAILABLE' && frame.error === DRAIN_REFUSAL
      && call.resends < MAX_DRAIN_RESENDS) {
      this.resend(connection, call);
    } else if (call.receiver.frame(frame)) {
      this.end(call);
    }
  }

  /** A draining gateway refused the call, which did not run: it goes on the next connection. */
  private resend(connection: Connection, call: Pending): void {
    call.resends++;
    delete call.connection;
    this.queue.push(call);
    this.links.refused(connection);
    this.closeIfDone(connection);
    this.flush();
  }

  /** Closes a draining connection once no call is waiting on it. */
  private closeIfDone(connection: Connection): void {
    if (!connection.draining || connection.closed) {
      return;
    }
    for (const call of this.pending.values()) {
      if (call.connection === connection) {
        return;
      }
    }
    connection.closed = true;
    connection.socket.close(1000, 'drained');
  }

  /** A socket closed: the calls sent on it that wait for an answer fail. */
  private lost(connection: Connection, code: number): void {
    for (const call of [...this.pending.values()]) {
      if (call.connection === connection) {
        this.end(call, new GenApiError('CONNECTION_LOST', `The connection to ${connection.url} closed (${code}) `
          + 'before the call was answered; it may have run', call.id, false, true));
      }
    }
  }
}
