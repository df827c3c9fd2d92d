// Joins a topic with the official phoenix client and prints "joined"; given a group_id, then joins that relay group
// through the gateway's event and prints "member" once the join is answered. It collects the server pushes (frames
// with a "push" key) it receives and prints them as one JSON line once it has the expected number, or after 15 s.
// Usage: node phoenix-push.js ws://127.0.0.1:PORT/socket token expected-pushes [group_id]
'use strict';
const { Socket } = require('phoenix');
const WebSocket = require('ws');

const [url, token, expected, group] = process.argv.slice(2);
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
  .receive('ok', () => {
    if (group) {
      channel.push('phoenix_gen_api', {
        request_id: 'phx-join', service: 'relay', request_type: 'join_group', args: { group_id: group },
      });
    } else {
      seen.join = 'ok';
      console.log('joined');
    }
  })
  .receive('error', (reason) => { seen.join = reason; finish(); });
