// Joins many topics on one socket with the official phoenix client and prints how each join was answered as one JSON
// line: {"ok": <count>, "errors": {<reason>: <count>}}.
// Usage: node phoenix-joins.js ws://127.0.0.1:PORT/socket <topics>
'use strict';
const { Socket } = require('phoenix');
const WebSocket = require('ws');

const [url, count] = process.argv.slice(2);
const topics = [];
for (let i = 0; i < Number(count); i++) {
  topics.push('genapi:' + i);
}
topics.push('genapi:' + 'x'.repeat(300));
const seen = { ok: 0, errors: {} };
let answered = 0;
const finish = () => {
  console.log(JSON.stringify(seen));
  process.exit(0);
};
setTimeout(finish, 15000);

const socket = new Socket(url, { transport: WebSocket, reconnectAfterMs: () => 60000, rejoinAfterMs: () => 60000 });
socket.connect();
for (const topic of topics) {
  socket.channel(topic, {}).join()
    .receive('ok', () => { seen.ok++; answer(); })
    .receive('error', ({ reason }) => { seen.errors[reason] = (seen.errors[reason] || 0) + 1; answer(); });
}

function answer() {
  if (++answered === topics.length) {
    finish();
  }
}
