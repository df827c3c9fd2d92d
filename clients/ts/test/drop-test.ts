// The typed client when connections fail: a first URL nothing listens on, so the first call waits and is sent on the
// second; then that gateway stops with a call on the wire, which fails CONNECTION_LOST; a call made while no gateway
// is reachable waits, and fails CLIENT_CLOSED when the client is closed. Prints "ready-for-drop" when the test should
// stop the gateway, then one JSON line of what it saw.
// Usage: node build-test/test/drop-test.js WS_URL_DEAD WS_URL_LIVE
import WebSocket from 'ws';
import { GenApiClient, GenApiError } from '../src/client.js';
import { genApi } from './generated/genapi.generated.js';

const [dead, live] = process.argv.slice(2) as [string, string];
const client = new GenApiClient({ url: [dead, live], WebSocket, reconnect: { initialDelayMs: 50, maxDelayMs: 200 } });
const api = genApi(client);
const seen: Record<string, unknown> = { closes: [], opens: [] };
client.on('close', (close) => (seen.closes as unknown[]).push(close));
client.on('open', (open) => (seen.opens as unknown[]).push(open.url));

setTimeout(() => {
  console.log(JSON.stringify({ ...seen, unfinished: true }));
  process.exit(1);
}, 50_000).unref();

async function outcome(call: Promise<unknown>): Promise<unknown> {
  try {
    return { answered: await call };
  } catch (error) {
    return error instanceof GenApiError ? { code: error.code, local: error.local, message: error.message }
      : { thrown: String(error) };
  }
}

seen.queued = await outcome(api.demo.echo({ message: 'sent once connected' }));
const lost = outcome(api.demo.slow({ ms: 10_000 }));
await new Promise((resolve) => setTimeout(resolve, 300));
const dropped = new Promise((resolve) => {
  const off = client.on('close', (close) => {
    if (close.url === live) {
      off();
      resolve(close);
    }
  });
});
console.log('ready-for-drop');
seen.lost = await lost;
await dropped;
const waiting = outcome(api.demo.echo({ message: 'never sent' }));
await new Promise((resolve) => setTimeout(resolve, 500));
client.close();
seen.waiting = await waiting;
seen.afterClose = await outcome(api.demo.echo({ message: 'after close' }));
console.log(JSON.stringify(seen));
process.exit(0);
