/** A Response frame as the gateway sends it over `/ws`: every key is always there. */
export interface ResponseFrame {
  request_id: string;
  success: boolean;
  result: unknown;
  error: string | null;
  code: string | null;
  async: boolean;
  has_more: boolean;
  can_retry: boolean;
  retry_after_ms?: number;
  /** Only on server pushes: `user`, `device` or `group:<group_id>`. */
  push?: string;
}

/** A control frame from the gateway: `{"op":"pong"}` or `{"op":"drain","reconnect_after_ms":n}`. */
export interface ControlFrame {
  op: string;
  reconnect_after_ms?: number;
}

/** A server push: a payload for this connection's user or device, or a relay group's message. */
export interface Push {
  /** Whom it was sent to. */
  target: 'user' | 'device' | 'group';
  /** The group's id for a relay message. */
  groupId?: string;
  /** The sender's request id (a relay `send`'s own) or a generated one. */
  requestId: string;
  /** The frame's `result`. */
  payload: unknown;
}

/** @returns the push a frame carries, read from its `push` key */
export function pushOf(frame: ResponseFrame & { push: string }): Push {
  const group = frame.push.startsWith('group:');
  return {
    target: group ? 'group' : frame.push === 'device' ? 'device' : 'user',
    ...(group ? { groupId: frame.push.slice('group:'.length) } : {}),
    requestId: frame.request_id,
    payload: frame.result,
  };
}
