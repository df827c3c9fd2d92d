import { GenApiError } from './errors.js';
import { Emitter } from './events.js';
import { pushOf, type ControlFrame, type Push, type ResponseFrame } from './frames.js';
import { StreamReceiver, UnaryReceiver, type Receiver } from './receivers.js';
import { Connection, type WebSocketConstructor, type WebSocketLike } from './socket.js';
import { CallStream } from './stream.js';

export { GenApiError, type ErrorCode } from './errors.js';
export type { Push, ResponseFrame } from './frames.js';
export type { WebSocketConstructor, WebSocketLike } from './socket.js';
export { CallStream } from './stream.js';

/** How a client connects. */
export interface ClientOptions {
  /** The gateway's `/ws` URL, or several: each new connection (after a drain or a drop) takes the next one. */
  url: string | readonly string[];
  /** The WebSocket class; defaults to `globalThis.WebSocket` (browsers, Node 22+). On Node 20 pass `ws`'s. */
  WebSocket?: WebSocketConstructor;
  /** A JWT sent as `?token=`, or a function asked for one before each connection. */
  token?: string | (() => string | Promise<string>);
  /** Sent with every call; the gateway takes them as sent only with `auth_mode none`. */
  userId?: string;
  deviceId?: string;
  userRoles?: readonly string[];
  /** Reconnect backoff after a drop: doubled from `initialDelayMs` up to `maxDelayMs`, with jitter. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Prefix of the generated request ids. */
  requestIdPrefix?: string;
}

/** Per call. */
export interface CallOptions {
  /** The function's version: `"0.0.0"` when absent, `"latest"` for the highest enabled one. */
  version?: string;
  /** Fails the call with `TIMEOUT` (local) after that long, and cancels it on the gateway. */
  timeoutMs?: number;
  /** Cancels the call: on the gateway if it was sent (the answer is then `CANCELLED`), at once if not. */
  signal?: AbortSignal;
  /** The call's request id; generated when absent. */
  requestId?: string;
}

/** The events of a client. */
export interface ClientEvents {
  /** A server push or a relay group's message. */
  push: Push;
  /** A connection opened; new calls go there. */
  open: { url: string };
  /** A connection closed (or failed to open). */
  close: { url: string; code: number; reason: string };
  /** A gateway told its connection to move; the client reconnects after `reconnectAfterMs`. */
  drain: { url: string; reconnectAfterMs: number };
  /** A Response for no call in flight: a late frame, or the error of a `notify`. */
  unmatched: ResponseFrame;
}

/** The text of the answer a draining gateway gives a call it did not run. */
const DRAIN_REFUSAL = 'Service unavailable: gateway draining';
const MAX_DRAIN_RESENDS = 3;

/** A call from its creation to its one end. */
interface Pending {
  readonly id: string;
  readonly frame: string;
  readonly receiver: Receiver;
  connection?: Connection;
  resends: number;
  timer?: ReturnType<typeof setTimeout>;
  unlisten?: () => void;
  /** Called once the call is written (a `notify` ends there). */
  onSent?: () => void;
}

/**
 * A client of a GenApi gateway's native WebSocket protocol (`/ws`). Calls made while no connection is open wait and
 * are sent once one is; each call ends exactly once: with its answer, or with `CONNECTION_LOST` when its socket closed
 * after it was sent. When a gateway drains, the calls on the wire finish on the old connection, new calls wait for
 * the new one, and calls the draining gateway refused (they did not run) are sent again there.
 */
export class GenApiClient {
  private readonly urls: readonly string[];
  private readonly WebSocketClass: WebSocketConstructor;
  private readonly events = new Emitter<ClientEvents>();
  private readonly pending = new Map<string, Pending>();
  private readonly queue: Pending[] = [];
  private readonly connections = new Set<Connection>();
  private readonly prefix: string;
  private current: Connection | undefined;
  private connecting = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  private connects = 0;
  private nextId = 0;
  private closedByUser = false;

  constructor(private readonly options: ClientOptions) {
    this.urls = typeof options.url === 'string' ? [options.url] : [...options.url];
    if (this.urls.length === 0) {
      throw new TypeError('GenApiClient: no url');
    }
    const native = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    const chosen = options.WebSocket ?? native;
    if (!chosen) {
      throw new TypeError('GenApiClient: no WebSocket class: pass options.WebSocket (the ws package on Node 20)');
    }
    this.WebSocketClass = chosen;
    this.prefix = options.requestIdPrefix ?? `ts-${Math.random().toString(36).slice(2, 8)}-`;
    this.connect();
  }

  /** Listens to an event. @returns the function that stops listening */
  on<K extends keyof ClientEvents>(event: K, listener: (e: ClientEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** @returns a promise resolved once a connection is open (at once if one is) */
  ready(): Promise<void> {
    if (this.current?.opened) {
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
    this.closedByUser = true;
    clearTimeout(this.reconnectTimer);
    for (const call of [...this.pending.values()]) {
      this.end(call, new GenApiError('CLIENT_CLOSED', 'The client was closed', call.id, false, true));
    }
    for (const connection of this.connections) {
      connection.closed = true;
      connection.socket.close(1000, 'client closed');
    }
    this.connections.clear();
  }

  private newId(): string {
    return `${this.prefix}${++this.nextId}`;
  }

  private start(service: string, requestType: string, args: object, options: CallOptions,
                receiverOf: () => Receiver, onSent?: (call: Pending) => void): void {
    const id = options.requestId ?? this.newId();
    const receiver = receiverOf();
    if (this.closedByUser || this.pending.has(id)) {
      receiver.fail(this.closedByUser
        ? new GenApiError('CLIENT_CLOSED', 'The client was closed', id, false, true)
        : new GenApiError('INVALID_REQUEST', `request_id ${id} is already in flight`, id, false, true));
      return;
    }
    if (options.signal?.aborted) {
      receiver.fail(new GenApiError('CANCELLED', 'Cancelled before it was sent', id, false, true));
      return;
    }
    const frame = this.encode(id, service, requestType, args, options.version);
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

  private encode(id: string, service: string, requestType: string, args: object, version?: string): string {
    const { userId, deviceId, userRoles } = this.options;
    return JSON.stringify({
      request_id: id, service, request_type: requestType, ...(version === undefined ? {} : { version }), args,
      ...(userId === undefined ? {} : { user_id: userId }), ...(deviceId === undefined ? {} : { device_id: deviceId }),
      ...(userRoles === undefined ? {} : { user_roles: userRoles }),
    });
  }

  private timedOut(call: Pending, ms: number): void {
    call.connection?.write(JSON.stringify({ op: 'cancel', request_id: call.id }));
    this.end(call, new GenApiError('TIMEOUT', `No answer within ${ms} ms`, call.id, true, true));
  }

  /** Sends the waiting calls on the current connection, if it is open. */
  private flush(): void {
    const connection = this.current;
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

  private connect(): void {
    if (this.closedByUser || this.connecting || this.current) {
      return;
    }
    this.connecting = true;
    const url = this.urls[this.connects++ % this.urls.length] as string;
    this.withToken(url).then((target) => this.open(url, target), (error: unknown) => {
      this.connecting = false;
      this.events.emit('close', { url, code: 0, reason: `no token: ${String(error)}` });
      this.scheduleReconnect(this.backoff());
    });
  }

  private async withToken(url: string): Promise<string> {
    const { token } = this.options;
    const value = typeof token === 'function' ? await token() : token;
    return value === undefined ? url : `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(value)}`;
  }

  private open(url: string, target: string): void {
    let socket: WebSocketLike;
    try {
      socket = new this.WebSocketClass(target);
    } catch (error) {
      this.connecting = false;
      this.events.emit('close', { url, code: 0, reason: String(error) });
      this.scheduleReconnect(this.backoff());
      return;
    }
    const connection = new Connection(url, socket);
    this.connections.add(connection);
    this.current = connection;
    socket.onopen = () => {
      this.connecting = false;
      this.attempts = 0;
      connection.opened = true;
      this.events.emit('open', { url });
      this.flush();
    };
    socket.onmessage = (event: { data: unknown }) => this.receive(connection, event.data);
    socket.onclose = (event: { code?: number; reason?: string }) => this.closed(connection, event.code ?? 0,
      event.reason ?? '');
    socket.onerror = () => undefined;
    if (this.closedByUser) {
      socket.close(1000, 'client closed');
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
        this.drained(connection, frame.reconnect_after_ms ?? 0);
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
    if (!connection.draining) {
      // the refusal crossed the drain frame: stop sending here, the drain frame schedules the reconnect
      this.leave(connection);
      this.scheduleReconnect(this.backoff());
    }
    this.closeIfDone(connection);
    this.flush();
  }

  private drained(connection: Connection, reconnectAfterMs: number): void {
    const first = !connection.told;
    connection.told = true;
    this.leave(connection);
    this.events.emit('drain', { url: connection.url, reconnectAfterMs });
    if (first) {
      // the gateway's delay spreads its clients' reconnects: it replaces a backoff a refusal may have started
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
      this.scheduleReconnect(reconnectAfterMs);
    }
    this.closeIfDone(connection);
  }

  /** New calls stop going to this connection. */
  private leave(connection: Connection): void {
    connection.draining = true;
    if (this.current === connection) {
      this.current = undefined;
      this.connecting = false;
    }
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

  private closed(connection: Connection, code: number, reason: string): void {
    connection.closed = true;
    this.connections.delete(connection);
    for (const call of [...this.pending.values()]) {
      if (call.connection === connection) {
        this.end(call, new GenApiError('CONNECTION_LOST', `The connection to ${connection.url} closed (${code}) `
          + 'before the call was answered; it may have run', call.id, false, true));
      }
    }
    this.events.emit('close', { url: connection.url, code, reason });
    if (this.current === connection) {
      this.current = undefined;
      this.connecting = false;
      this.scheduleReconnect(this.backoff());
    }
  }

  private backoff(): number {
    const initial = this.options.reconnect?.initialDelayMs ?? 100;
    const max = this.options.reconnect?.maxDelayMs ?? 5000;
    const delay = Math.min(max, initial * 2 ** this.attempts++);
    return delay / 2 + Math.random() * (delay / 2);
  }

  private scheduleReconnect(delayMs: number): void {
    if (this.closedByUser || this.reconnectTimer !== undefined) {
      return;
    }
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, delayMs);
  }
}
