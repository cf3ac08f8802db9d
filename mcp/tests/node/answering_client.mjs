// The official TypeScript MCP client, declaring sampling, elicitation and roots and answering
// them (the sampled text names the prompt, the elicitation is accepted, one root), calls the
// tools it is given, then lists and reads resources and resource templates, lists and gets
// prompts and asks for a completion when the spec says so, and prints what it saw as JSON:
// {"results": [...], "asked": [...]} (plus the offerings below), or {"error": "..."}.
//
// Usage: node answering_client.mjs <url> <token> <spec json>, the spec being
//   {"transport": "streamable" | "sse", "calls": [{"tool", "args"}],
//    "reads": [uri...], "prompts": [{"name", "args"}],
//    "complete": {"prompt", "argument", "value"}}
// With "reads" or "prompts" the output also has "resources" and "templates" (listed URIs and
// URI templates, sorted), "prompt_names" (sorted), "read" (each read's contents) and "got" (each
// prompt's messages); with "complete", "completion" (the suggested values).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";

const [url, token, specJson] = process.argv.slice(2);
const spec = JSON.parse(specJson);
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

// Every page of a listing: `list(cursor)` answers one page, `key` names its items.
async function listAll(list, key) {
  const items = [];
  let cursor;
  do {
    const page = await list(cursor === undefined ? undefined : { cursor });
    items.push(...page[key]);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

// A failed request's message, kept in the output (the test asserts on protocol errors too).
async function attempt(request) {
  try {
    return await request();
  } catch (error) {
    return { error: String(error?.message ?? error) };
  }
}

async function offerings(out) {
  const resources = await listAll((params) => client.listResources(params), "resources");
  out.resources = resources.map((resource) => resource.uri).sort();
  const templates = await listAll(
    (params) => client.listResourceTemplates(params),
    "resourceTemplates",
  );
  out.templates = templates.map((template) => template.uriTemplate).sort();
  const prompts = await listAll((params) => client.listPrompts(params), "prompts");
  out.prompt_names = prompts.map((prompt) => prompt.name).sort();
  out.read = [];
  for (const uri of spec.reads ?? []) {
    const read = await attempt(async () => (await client.readResource({ uri })).contents);
    out.read.push(read);
  }
  out.got = [];
  for (const prompt of spec.prompts ?? []) {
    const got = await attempt(
      async () => (await client.getPrompt({ name: prompt.name, arguments: prompt.args })).messages,
    );
    out.got.push(got);
  }
}

try {
  const headers = { Authorization: `Bearer ${token}` };
  const transport =
    spec.transport === "sse"
      ? new SSEClientTransport(new URL(url), { requestInit: { headers } })
      : new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  await client.connect(transport);
  const out = { results: [], asked };
  for (const call of spec.calls ?? []) {
    const result = await client.callTool({ name: call.tool, arguments: call.args ?? {} });
    out.results.push({ text: result.content?.[0]?.text ?? "", isError: Boolean(result.isError) });
  }
  if (spec.reads || spec.prompts) {
    await offerings(out);
  }
  if (spec.complete) {
    const { prompt, argument, value } = spec.complete;
    const completed = await attempt(
      async () =>
        (
          await client.complete({
            ref: { type: "ref/prompt", name: prompt },
            argument: { name: argument, value },
          })
        ).completion.values,
    );
    out.completion = completed;
  }
  await client.close();
  console.log(JSON.stringify(out));
} catch (error) {
  console.log(JSON.stringify({ error: String(error?.stack ?? error) }));
}
