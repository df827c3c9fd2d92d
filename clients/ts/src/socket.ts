/**
 * What the client needs of a WebSocket: the browser's and Node 22's native one, and the `ws` package's, fit it.
 * Handlers take `any` so that each implementation's own event types are accepted.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
}

/** A WebSocket class: `globalThis.WebSocket`, or `ws`'s default export on Node 20. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** The `readyState` of an open socket. */
export const OPEN = 1;

/** One socket to one gateway: whether it opened, drains, closed. */
export class Connection {
  opened = false;
  /** Whether new calls must go elsewhere: the gateway drains. */
  draining = false;
  /** Whether the drain frame came. */
  told = false;
  closed = false;

  constructor(readonly url: string, readonly socket: WebSocketLike) {}

  /** Writes a frame if the socket is open. @returns whether it was written */
  write(frame: string): boolean {
    if (this.closed || this.socket.readyState !== OPEN) {
      return false;
    }
    this.socket.send(frame);
    return true;
  }
}
