// The typed client against a real gateway: calls, an async call, streams, cancels, errors, pushes, then a drain of the
// first gateway, after which the client goes on on the second. Prints "ready-for-drain" when the test should drain
// the first gateway and then create the file FLAG, then one JSON line of what it saw.
// Usage: node build-test/test/client-test.js WS_URL_A WS_URL_B FLAG
import { existsSync } from 'node:fs';
import WebSocket from 'ws';
import { GenApiClient, GenApiError, type ClientEvents, type Push } from '../src/client.js';
import { genApi } from './generated/genapi.generated.js';

const [urlA, urlB, flag] = process.argv.slice(2) as [string, string, string];
const client = new GenApiClient({ url: [urlA, urlB], WebSocket, userId: 'ts-user', deviceId: 'ts-device' });
const api = genApi(client);
const seen: Record<string, unknown> = { closes: [] };
client.on('close', (close) => (seen.closes as unknown[]).push(close));

setTimeout(() => {
  console.log(JSON.stringify({ ...seen, unfinished: true }));
  process.exit(1);
}, 50_000).unref();

async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    return { answered: await call };
  } catch (error) {
    return error instanceof GenApiError
      ? { code: error.code, message: error.message, local: error.local, canRetry: error.canRetry }
      : { thrown: String(error) };
  }
}

function next<K extends keyof ClientEvents>(event: K, wanted: (e: ClientEvents[K]) => boolean): Promise<ClientEvents[K]> {
  return new Promise((resolve) => {
    const off = client.on(event, (e) => {
      if (wanted(e)) {
        off();
        resolve(e);
      }
    });
  });
}

const echoed = await api.demo.echo({ message: 'hi from ts' });
seen.echo = echoed.message;
const sum: number = await api.demo.add({ a: 2, b: 3 });
seen.add = sum;
seen.slow = await api.demo.slow({ ms: 50 });

const counted: unknown[] = [];
for await (const n of api.demo.count({ n: 3 })) {
  counted.push(n);
}
seen.count = counted;
const early = api.demo.count({ n: 1000, interval_ms: 20 });
const firstTwo: unknown[] = [];
for await (const n of early) {
  firstTwo.push(n);
  if (firstTwo.length === 2) {
    break;
  }
}
seen.countBreak = firstTwo;

const abort = new AbortController();
const cancelled = failure(api.demo.slow({ ms: 5000 }, { signal: abort.signal }));
setTimeout(() => abort.abort(), 300);
seen.cancel = await cancelled;
seen.cancelBeforeSent = await failure(api.demo.slow({ ms: 1 }, { signal: AbortSignal.abort() }));
seen.timeout = await failure(api.demo.slow({ ms: 3000 }, { timeoutMs: 200 }));
seen.fail = await failure(api.demo.fail());
seen.invalid = await failure(client.call('demo', 'add', { a: 1 }));
seen.notFound = await failure(client.call('demo', 'nope'));

const userPush = next('push', (p: Push) => p.target === 'user');
seen.pushCall = await api.demo.pushToUser({ user_id: 'ts-user', message: 'pushed to ts' });
seen.push = await userPush;
const group = `ts-group-${Date.now()}`;
await client.call('relay', 'create_group', { group_id: group, type: 'public' });
const groupPush = next('push', (p: Push) => p.target === 'group');
seen.relaySend = await client.call('relay', 'send', { group_id: group, message: { text: 'hello group' } });
seen.groupPush = await groupPush;

const drained = next('drain', () => true);
const closedA = next('close', (close) => close.url === urlA);
const reopened = drained.then(() => next('open', () => true));
const inFlight = api.demo.slow({ ms: 1500 });
await new Promise((resolve) => setTimeout(resolve, 300));
console.log('ready-for-drain');
// the event loop stays blocked until the drain began, so the next call is written before the drain frame is read:
// the draining gateway refuses it, and the client sends it again on the next connection
const until = Date.now() + 20_000;
while (!existsSync(flag) && Date.now() < until) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
}
const crossed = failure(api.demo.echo({ message: 'crossed the drain' }));
seen.drain = await drained;
seen.reopened = await reopened;
seen.afterDrain = await api.demo.echo({ message: 'after drain' });
seen.inFlight = await failure(inFlight);
seen.crossed = await crossed;
await closedA;
client.close();
console.log(JSON.stringify(seen));
process.exit(0);
