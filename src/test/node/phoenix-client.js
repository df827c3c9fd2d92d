// Drives GenApi's Phoenix Channels endpoint with the official phoenix client and prints what it saw as one JSON line.
// Usage: node phoenix-client.js ws://127.0.0.1:PORT/socket [token] [websocket|longpoll]
// (an empty token joins without one; longpoll forces the client's LongPoll transport, which sends no heartbeats)
'use strict';
const { Socket, LongPoll } = require('phoenix');
const WebSocket = require('ws');

const [url, token, transportName] = process.argv.slice(2);
const longPoll = transportName === 'longpoll';
const seen = { join: null, replies: {}, pushes: [], heartbeats: 0, transport: transportName || 'websocket' };
const finish = () => {
  console.log(JSON.stringify(seen));
  process.exit(0);
};
setTimeout(finish, 15000);

const socket = new Socket(url, { transport: longPoll ? LongPoll : WebSocket, heartbeatIntervalMs: 300,
  reconnectAfterMs: () => 60000 });
socket.onMessage((message) => {
  if (message.topic === 'phoenix' && message.event === 'phx_reply') {
    seen.heartbeats++;
  }
});
socket.connect();
const channel = socket.channel('genapi:lobby', token ? { token } : {});
channel.on('phoenix_gen_api', (response) => {
  seen.pushes.push(response);
  if (response.request_id === 'k1' && response.async) { // the slow call was accepted: cancel it
    channel.push('phoenix_gen_api', { op: 'cancel', request_id: 'k1' })
      .receive('ok', (reply) => { seen.replies.cancel = { status: 'ok', response: reply }; });
  }
});
channel.join()
  .receive('ok', () => { seen.join = 'ok'; seen.connection = socket.conn.constructor.name; callAll(); })
  .receive('error', (reason) => { seen.join = reason; finish(); });

function callAll() {
  const calls = [
    { request_id: 'e1', service: 'demo', request_type: 'echo', args: { message: 'hi from phoenix' } },
    { request_id: 's1', service: 'demo', request_type: 'slow', args: { ms: 50 } },
    { request_id: 'c1', service: 'demo', request_type: 'count', args: { n: 3 } },
    { request_id: 'k1', service: 'demo', request_type: 'slow', args: { ms: 5000 } },
    { request_id: 'bad' }
  ];
  for (const call of calls) {
    channel.push('phoenix_gen_api', call)
      .receive('ok', (response) => { seen.replies[call.request_id] = { status: 'ok', response }; })
      .receive('error', (response) => { seen.replies[call.request_id] = { status: 'error', response }; });
  }
  const done = () => seen.pushes.some((p) => p.request_id === 'e1')
    && seen.pushes.some((p) => p.request_id === 's1' && !p.async)
    && seen.pushes.some((p) => p.request_id === 'c1' && p.async && !p.has_more)
    && seen.pushes.some((p) => p.request_id === 'k1' && p.code === 'CANCELLED')
    && Object.keys(seen.replies).length === calls.length + 1 && (longPoll || seen.heartbeats > 0);
  setInterval(() => { if (done()) finish(); }, 50);
}
