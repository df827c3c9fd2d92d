// Closed loops of demo echo calls over a gateway that drains: clients of the official phoenix package and of
// sockjs-client, each sending its next call when the last one was answered. A Phoenix client's reconnects go to the
// other gateway, as a load balancer routes them once the first gateway is no longer ready; a SockJS client opens a
// connection to the other gateway after the drain frame's reconnect_after_ms and sends its next calls there.
// Prints "ready" once every client had an answer, then one JSON line once every client had ANSWERS answers on the
// other gateway and its connection to the first one was closed (or after MAX_MS).
// Usage: node drain-hand-off.js PORT_A PORT_B PHOENIX_CLIENTS SOCKJS_CLIENTS ANSWERS MAX_MS
'use strict';
const { Socket } = require('phoenix');
const WebSocket = require('ws');
const SockJS = require('sockjs-client');

const [portA, portB, phoenixCount, sockjsCount, wanted, maxMs] = process.argv.slice(2).map(Number);
const PAUSE_MS = 10;
const clients = [];

function newRecord(kind, index) {
  const seen = {
    kind, index, sent: [], answers: {}, replies: {}, timeouts: [], failures: [], drainAt: null,
    reconnectAfterMs: null, closes: [], answersAfterMove: 0, moved: false, stopped: false, outstanding: null
  };
  clients.push(seen);
  return seen;
}

// counts one final Response; returns whether the loop may send its next call
function answered(seen, response, afterMove) {
  const id = response.request_id;
  seen.answers[id] = (seen.answers[id] || 0) + 1;
  if (!response.success) {
    seen.failures.push(response);
  }
  if (afterMove) {
    seen.answersAfterMove++;
  }
  if (id !== seen.outstanding) {
    return false;
  }
  seen.outstanding = null;
  seen.stopped = seen.answersAfterMove >= wanted;
  return !seen.stopped;
}

function echo(seen, prefix) {
  const id = `${prefix}${seen.index}-${seen.sent.length}`;
  seen.sent.push(id);
  seen.outstanding = id;
  return { request_id: id, service: 'demo', request_type: 'echo', args: { message: id } };
}

function phoenixClient(index) {
  const seen = newRecord('phoenix', index);
  let connections = 0;
  class Balanced extends WebSocket {
    constructor(url, protocols) {
      super(connections++ === 0 ? url : url.replace(`:${portA}/`, `:${portB}/`), protocols);
    }
  }
  const socket = new Socket(`ws://127.0.0.1:${portA}/socket`, { transport: Balanced });
  socket.onOpen(() => { seen.moved = connections > 1; });
  socket.onClose((event) => seen.closes.push({ code: event.code, afterDrain: seen.drainAt !== null }));
  const channel = socket.channel(`genapi:drain${index}`, {});
  channel.onError((reason) => {
    if (seen.drainAt === null && reason && reason.reason === 'draining') {
      seen.drainAt = Date.now();
    }
  });
  const send = () => {
    const call = echo(seen, 'p');
    const reply = (status) => { (seen.replies[call.request_id] = seen.replies[call.request_id] || []).push(status); };
    channel.push('phoenix_gen_api', call)
      .receive('ok', () => reply('ok'))
      .receive('error', (response) => reply(`error: ${response && response.reason}`))
      .receive('timeout', () => seen.timeouts.push(call.request_id));
  };
  channel.on('phoenix_gen_api', (response) => {
    if (answered(seen, response, seen.moved)) {
      setTimeout(send, PAUSE_MS);
    }
  });
  socket.connect();
  channel.join().receive('ok', () => { if (seen.sent.length === 0) send(); });
}

function sockjsClient(index, transport) {
  const seen = newRecord(`sockjs-${transport}`, index);
  let current = null;
  const send = () => {
    if (current !== null) {
      current.send(JSON.stringify(echo(seen, 's')));
    }
  };
  const open = (port) => {
    const sock = new SockJS(`http://127.0.0.1:${port}/sockjs`, null, { transports: [transport] });
    sock.onopen = () => {
      current = sock;
      seen.moved = port === portB;
      if (seen.outstanding === null && !seen.stopped) send();
    };
    sock.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      if (frame.op === 'drain') {
        // no more calls here: the next one goes to the new connection
        seen.drainAt = Date.now();
        seen.reconnectAfterMs = frame.reconnect_after_ms;
        current = null;
        setTimeout(() => open(portB), frame.reconnect_after_ms);
      } else if (answered(seen, frame, port === portB)) {
        setTimeout(send, PAUSE_MS);
      }
    };
    sock.onclose = (event) => {
      if (port === portA) {
        seen.closes.push({ code: event.code, afterDrain: seen.drainAt !== null });
      }
    };
  };
  open(portA);
}

function finish() {
  console.log(JSON.stringify({ clients }));
  process.exit(0);
}

for (let i = 0; i < phoenixCount; i++) {
  phoenixClient(i);
}
for (let i = 0; i < sockjsCount; i++) {
  sockjsClient(i, i % 2 === 0 ? 'websocket' : 'xhr-streaming');
}
setTimeout(finish, maxMs);
let ready = false;
setInterval(() => {
  if (!ready && clients.every((seen) => Object.keys(seen.answers).length > 0)) {
    ready = true;
    console.log('ready');
  }
  if (clients.every((seen) => seen.stopped && seen.outstanding === null && seen.closes.length > 0)) {
    finish();
  }
}, 50);
