// Must not compile: tsc checks a call's arguments against the generated types (TypeScriptClientTest asserts it).
import WebSocket from 'ws';
import { GenApiClient } from '../src/client.js';
import { genApi } from './generated/genapi.generated.js';

const api = genApi(new GenApiClient({ url: 'ws://127.0.0.1:1/ws', WebSocket }));
export const wrong = api.demo.add({ a: 1, b: 'two' });
