// Joins a topic with the official phoenix client, joins a relay group through the gateway's event, prints "member"
// once the join is answered, then collects the relay messages (frames with a "push" key) it receives and prints them
// as one JSON line once it has the expected number, or after 15 s.
// Usage: node phoenix-relay.js ws://127.0.0.1:PORT/socket token group_id expected-pushes
'use strict';
const { Socket } = require('phoenix');
const WebSocket = require('ws');

const [url, token, group, expected] = process.argv.slice(2);
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
  } else if (response.request_id === 'phx-join') {
    seen.join = response.result;
    console.log('member');
  }
});
channel.join()
  .receive('ok', () => channel.push('phoenix_gen_api', {
    request_id: 'phx-join', service: 'relay', request_type: 'join_group', args: { group_id: group },
  }))
  .receive('error', (reason) => { seen.join = reason; finish(); });
