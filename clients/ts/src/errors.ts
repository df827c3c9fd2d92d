/** The codes a gateway answers with, and the client's own for a call whose connection dropped. */
export type ErrorCode =
  | 'INVALID_REQUEST' | 'UNAUTHENTICATED' | 'NOT_FOUND' | 'DISABLED' | 'PERMISSION_DENIED' | 'RATE_LIMITED'
  | 'INVALID_ARGUMENT' | 'TIMEOUT' | 'UNAVAILABLE' | 'OVERLOADED' | 'CANCELLED' | 'INTERNAL' | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION' | 'CONNECTION_LOST' | 'CLIENT_CLOSED';

/**
 * A failed call. `code` is the gateway's error code, or one the client gives itself: `CONNECTION_LOST` (the socket
 * closed while the call was on the wire: it may have run), `CLIENT_CLOSED` (`close()` was called), `TIMEOUT` and
 * `CANCELLED` with `local: true` (the client's own timeout or an abort before the call reached the gateway).
 */
export class GenApiError extends Error {
  constructor(
    readonly code: ErrorCode | string,
    message: string,
    readonly requestId: string,
    readonly canRetry: boolean,
    readonly local: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'GenApiError';
  }
}
