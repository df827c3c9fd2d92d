// Drives GenApi's MCP endpoint with the official npm client (Streamable HTTP) and prints what it saw as one JSON line:
// the tool names, and the results of demo.add, demo.fail and demo.whoami.
// Usage: node mcp-client.js http://127.0.0.1:PORT/mcp [jwt]
'use strict';
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');

async function main() {
  const client = new Client({ name: 'genapi-test', version: '1.0.0' });
  const [url, token] = process.argv.slice(2);
  const transport = new StreamableHTTPClientTransport(new URL(url),
    token ? { requestInit: { headers: { Authorization: 'Bearer ' + token } } } : {});
  await client.connect(transport);
  const { tools } = await client.listTools();
  const add = await client.callTool({ name: 'demo.add', arguments: { a: 2, b: 3 } });
  const fail = await client.callTool({ name: 'demo.fail', arguments: {} });
  const whoami = await client.callTool({ name: 'demo.whoami', arguments: {} });
  await transport.terminateSession();
  await client.close();
  console.log(JSON.stringify({ tools: tools.map((tool) => tool.name), add, fail, whoami }));
}

main().catch((error) => {
  console.log(JSON.stringify({ error: String(error) }));
  process.exit(1);
});
