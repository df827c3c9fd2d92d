import type { Receiver } from './receivers.js';
import type { Connection } from './socket.js';

/** A call from its creation to its one end. */
export interface Pending {
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

/** The caller's identity, sent with every call (taken as sent only with `auth_mode none`). */
export interface Caller {
  userId?: string | undefined;
  deviceId?: string | undefined;
  userRoles?: readonly string[] | undefined;
}

/** @returns the call frame's JSON text */
export function encodeCall(id: string, service: string, requestType: string, args: object, version: string | undefined,
                           caller: Caller): string {
  const { userId, deviceId, userRoles } = caller;
  return JSON.stringify({
    request_id: id, service, request_type: requestType, ...(version === undefined ? {} : { version }), args,
    ...(userId === undefined ? {} : { user_id: userId }), ...(deviceId === undefined ? {} : { device_id: deviceId }),
    ...(userRoles === undefined ? {} : { user_roles: userRoles }),
  });
}
