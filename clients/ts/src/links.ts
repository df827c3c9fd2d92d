import { Backoff } from './backoff.js';
import type { Emitter } from './events.js';
import type { ClientEvents, ClientOptions } from './options.js';
import { Connection, type WebSocketConstructor, type WebSocketLike } from './socket.js';

/** What the client does when a connection opens, receives a frame or closes. */
export interface LinkHooks {
  opened(connection: Connection): void;
  message(connection: Connection, data: unknown): void;
  closed(connection: Connection, code: number): void;
}

/**
 * The client's sockets: the current one, that new calls go to, and the draining ones that still wait for answers.
 * Opens the next one on a drop (with backoff) or a drain (after the gateway's delay), each time to the next URL.
 */
export class Links {
  private readonly urls: readonly string[];
  private readonly backoff: Backoff;
  private readonly all = new Set<Connection>();
  private connection: Connection | undefined;
  private connecting = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private connects = 0;
  private stopped = false;

  constructor(private readonly options: ClientOptions, private readonly WebSocketClass: WebSocketConstructor,
              private readonly events: Emitter<ClientEvents>, private readonly hooks: LinkHooks) {
    this.urls = typeof options.url === 'string' ? [options.url] : [...options.url];
    if (this.urls.length === 0) {
      throw new TypeError('GenApiClient: no url');
    }
    this.backoff = new Backoff(options.reconnect?.initialDelayMs ?? 100, options.reconnect?.maxDelayMs ?? 5000);
  }

  /** @returns the connection new calls go to, open or still opening */
  get current(): Connection | undefined {
    return this.connection;
  }

  /** @returns whether `close()` was called */
  get closed(): boolean {
    return this.stopped;
  }

  /** Opens a connection to the next URL, unless one is open or opening. */
  connect(): void {
    if (this.stopped || this.connecting || this.connection) {
      return;
    }
    this.connecting = true;
    const url = this.urls[this.connects++ % this.urls.length] as string;
    this.withToken(url).then((target) => this.open(url, target), (error: unknown) => {
      this.failedToOpen(url, `no token: ${String(error)}`);
    });
  }

  /** The gateway sent its drain frame on this connection: the next one opens after its delay. */
  drained(connection: Connection, reconnectAfterMs: number): void {
    const first = !connection.told;
    connection.told = true;
    this.leave(connection);
    this.events.emit('drain', { url: connection.url, reconnectAfterMs });
    if (first) {
      // the gateway's delay spreads its clients' reconnects: it replaces a backoff a refusal may have started
      clearTimeout(this.timer);
      this.timer = undefined;
      this.later(reconnectAfterMs);
    }
  }

  /** The gateway refused a call as draining, maybe before its drain frame came: stop sending there. */
  refused(connection: Connection): void {
    if (!connection.draining) {
      this.leave(connection);
      this.later(this.backoff.next());
    }
  }

  /** Closes every socket; no reconnect. */
  close(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const connection of this.all) {
      connection.closed = true;
      connection.socket.close(1000, 'client closed');
    }
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
      this.failedToOpen(url, String(error));
      return;
    }
    const connection = new Connection(url, socket);
    this.all.add(connection);
    this.connection = connection;
    socket.onopen = () => {
      this.connecting = false;
      this.backoff.reset();
      connection.opened = true;
      this.events.emit('open', { url });
      this.hooks.opened(connection);
    };
    socket.onmessage = (event: { data: unknown }) => this.hooks.message(connection, event.data);
    socket.onclose = (event: { code?: number; reason?: string }) => this.onClose(connection, event.code ?? 0,
      event.reason ?? '');
    socket.onerror = () => undefined;
    if (this.stopped) {
      socket.close(1000, 'client closed');
    }
  }

  private failedToOpen(url: string, reason: string): void {
    this.connecting = false;
    this.events.emit('close', { url, code: 0, reason });
    this.later(this.backoff.next());
  }

  private onClose(connection: Connection, code: number, reason: string): void {
    connection.closed = true;
    this.all.delete(connection);
    this.hooks.closed(connection, code);
    this.events.emit('close', { url: connection.url, code, reason });
    if (this.connection === connection) {
      this.connection = undefined;
      this.connecting = false;
      this.later(this.backoff.next());
    }
  }

  /** New calls stop going to this connection. */
  private leave(connection: Connection): void {
    connection.draining = true;
    if (this.connection === connection) {
      this.connection = undefined;
      this.connecting = false;
    }
  }

  private later(delayMs: number): void {
    if (this.stopped || this.timer !== undefined) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, delayMs);
  }
}
