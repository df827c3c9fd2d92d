// Calls echo through GenApi's SockJS endpoint with sockjs-client and prints what it saw as one JSON line.
// Usage: node sockjs-client.js http://127.0.0.1:PORT/sockjs websocket|xhr-streaming [token]
'use strict';
const SockJS = require('sockjs-client');

const [url, transport, token] = process.argv.slice(2);
const seen = { transport, open: false, frames: [], close: null };
const finish = () => {
  console.log(JSON.stringify(seen));
  process.exit(0);
};
setTimeout(finish, 15000);

const sock = new SockJS(token ? url + '?token=' + encodeURIComponent(token) : url, null, { transports: [transport] });
sock.onopen = () => {
  seen.open = true;
  seen.transport = sock.transport;
  sock.send(JSON.stringify({ request_id: 'x1', service: 'demo', request_type: 'echo', args: { message: 'hi from sockjs' } }));
};
sock.onmessage = (event) => {
  seen.frames.push(JSON.parse(event.data));
  sock.close();
};
sock.onclose = (event) => {
  seen.close = { code: event.code, reason: event.reason };
  finish();
};
