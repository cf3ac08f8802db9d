// @ts-check
// Creates a group, a token and a channel on a running aiproxy, then prints the export:
//
//     AIPROXY_ADMIN_KEY=... node example.mjs http://127.0.0.1:3000
//
// From another project, import "@aiproxy/admin-client/node" instead of the relative path.
import { createAdminClient } from "./dist/node.js";

const baseUrl = process.argv[2] ?? "http://127.0.0.1:3000";
const adminKey = process.env.AIPROXY_ADMIN_KEY;
if (!adminKey) {
  console.error("set AIPROXY_ADMIN_KEY to an admin key of the server");
  process.exit(2);
}

const admin = createAdminClient(baseUrl, adminKey);
await admin.groups.createGroup({ group: { id: "demo" } });
const created = await admin.tokens.createToken({ token: { groupId: "demo", name: "cli" } });
console.log("token key (shown once):", created.key);
await admin.channels.createChannel({
  channel: {
    name: "demo-openai",
    type: "openai",
    key: process.env.OPENAI_API_KEY ?? "sk-replace-me",
    models: ["gpt-4o-mini"],
  },
});
const { document } = await admin.config.export({});
console.log(document);
