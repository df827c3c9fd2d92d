// Drives GenApi's MCP endpoint with the official npm client (Streamable HTTP) and prints what it saw as one JSON line:
// the tool names, and the results of demo.add and demo.fail. Usage: node mcp-client.js http://127.0.0.1:PORT/mcp
'use strict';
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');

async function main() {
  const client = new Client({ name: 'genapi-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(process.argv[2]));
  await client.connect(transport);
  const { tools } = await client.listTools();
  const add = await client.callTool({ name: 'demo.add', arguments: { a: 2, b: 3 } });
  const fail = await client.callTool({ name: 'demo.fail', arguments: {} });
  await transport.terminateSession();
  await client.close();
  console.log(JSON.stringify({ tools: tools.map((tool) => tool.name), add, fail }));
}

main().catch((error) => {
  console.log(JSON.stringify({ error: String(error) }));
  process.exit(1);
});
