// Calls the demo echo over every transport of one gateway: native WebSocket, SockJS, Phoenix Channels and HTTP.
// Prints one line per transport and a JSON summary; exits 1 when one failed. Usage: node smoke.js http://127.0.0.1:PORT
'use strict';
const WebSocket = require('ws');
const SockJS = require('sockjs-client');
const { Socket } = require('phoenix');

const base = process.argv[2].replace(/\/$/, '');
const wsBase = base.replace(/^http/, 'ws');
const call = (id) => ({ request_id: id, service: 'demo', request_type: 'echo', args: { message: 'smoke ' + id } });
const ok = (response, id) => response && response.success === true && response.result.message === 'smoke ' + id;
const within = (ms, promise) => Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(null), ms))]);

function websocket() {
  return new Promise((resolve) => {
    const socket = new WebSocket(wsBase + '/ws');
    socket.on('open', () => socket.send(JSON.stringify(call('ws'))));
    socket.on('message', (data) => { socket.close(); resolve(JSON.parse(data)); });
    socket.on('error', () => resolve(null));
  });
}

function sockjs() {
  return new Promise((resolve) => {
    const sock = new SockJS(base + '/sockjs', null, { transports: ['websocket'] });
    sock.onopen = () => sock.send(JSON.stringify(call('sockjs')));
    sock.onmessage = (event) => { sock.close(); resolve(JSON.parse(event.data)); };
    sock.onclose = () => resolve(null);
  });
}

function phoenix() {
  return new Promise((resolve) => {
    const socket = new Socket(wsBase + '/socket', { transport: WebSocket, reconnectAfterMs: () => 60000 });
    socket.connect();
    const channel = socket.channel('smoke:lobby', {});
    channel.on('phoenix_gen_api', (response) => { socket.disconnect(); resolve(response); });
    channel.join().receive('ok', () => channel.push('phoenix_gen_api', call('phoenix')))
      .receive('error', () => resolve(null));
  });
}

async function http() {
  const response = await fetch(base + '/api/call', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(call('http')) });
  return response.json();
}

(async () => {
  const results = {};
  for (const [name, run] of Object.entries({ ws: websocket, sockjs, phoenix, http })) {
    const response = await within(10000, run().catch(() => null));
    results[name] = ok(response, name);
    console.log((results[name] ? 'PASS ' : 'FAIL ') + name + ' ' + base);
  }
  console.log(JSON.stringify(results));
  process.exit(Object.values(results).every(Boolean) ? 0 : 1);
})();
