import type { Push, ResponseFrame } from './frames.js';
import type { WebSocketConstructor } from './socket.js';

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
