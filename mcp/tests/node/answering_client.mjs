// The official TypeScript MCP client, declaring sampling, elicitation and roots and answering
// them (the sampled text names the prompt, the elicitation is accepted, one root), calls the
// tools it is given and prints what it saw as JSON: {"results": [text...], "asked": [...]} or
// {"error": "..."}.
//
// Usage: node answering_client.mjs <url> <token> <calls json: [{"tool", "args"}]>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";

const [url, token, callsJson] = process.argv.slice(2);
const asked = [];
const client = new Client(
  { name: "answering-client", version: "1" },
  { capabilities: { sampling: {}, elicitation: { form: {} }, roots: {} } },
);
client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
  asked.push("sampling");
  const prompt = request.params.messages[0].content.text;
  return {
    role: "assistant",
    content: { type: "text", text: `sampled: ${prompt}` },
    model: "test-model",
    stopReason: "endTurn",
  };
});
client.setRequestHandler(ElicitRequestSchema, async () => {
  asked.push("elicitation");
  return { action: "accept", content: { name: "Ada", username: "ada", email: "ada@example.com" } };
});
client.setRequestHandler(ListRootsRequestSchema, async () => {
  asked.push("roots");
  return { roots: [{ uri: "file:///work", name: "work" }] };
});

try {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  const results = [];
  for (const call of JSON.parse(callsJson)) {
    const result = await client.callTool({ name: call.tool, arguments: call.args ?? {} });
    results.push({ text: result.content?.[0]?.text ?? "", isError: Boolean(result.isError) });
  }
  await client.close();
  console.log(JSON.stringify({ results, asked }));
} catch (error) {
  console.log(JSON.stringify({ error: String(error?.stack ?? error) }));
}
