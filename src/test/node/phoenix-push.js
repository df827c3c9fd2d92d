// Joins a topic with the official phoenix client, prints "joined", then collects the server pushes (frames with a
// "push" key) it receives and prints them as one JSON line once it has the expected number, or after 15 s.
// Usage: node phoenix-push.js ws://127.0.0.1:PORT/socket token expected-pushes
'use strict';
const { Socket } = require('phoenix');
const WebSocket = require('ws');

const [url, token, expected] = process.argv.slice(2);
const seen = { join: null, pushes: [] };
const finish = () => {
  console.log(JSON.stringify(seen));
  process.exit(0);
};
setTimeout(finish, 15000);

const socket = new Socket(url, { transport: WebSocket, reconnectAfterMs: () => 60000 });
socket.connect();
const channel = socket.channel('genapi:lobby', { token });
channel.on('phoenix_gen_api', (response) => {
  if (response.push) {
    seen.pushes.push(response);
    if (seen.pushes.length >= Number(expected)) {
      finish();
    }
  }
});
channel.join()
  .receive('ok', () => { seen.join = 'ok'; console.log('joined'); })
  .receive('error', (reason) => { seen.join = reason; finish(); });
