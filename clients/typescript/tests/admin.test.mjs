// @ts-check
// Drives a running aiproxy control plane through the built package (dist/), once per
// transport: Connect JSON and gRPC from ./node, gRPC-Web and Connect JSON from ./web over
// Node's fetch (as a browser would send them).
//
// Needs AIPROXY_BASE_URL (http://host:port), AIPROXY_ADMIN_KEY, AIPROXY_SUMMARY_GROUP (a group
// with logged requests) and AIPROXY_SUMMARY_EXPECT (what its raw log rows add up to, as JSON:
// requests, errors, inputTokens, outputTokens, statusCodes ascending); the Rust test
// hub/tests/control_plane_typescript.rs boots a server, sends that traffic and sets all four.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";

import * as node from "../dist/node.js";
import { Code, ConnectError, Granularity, Status } from "../dist/node.js";
import * as web from "../dist/web.js";

const baseUrl = process.env.AIPROXY_BASE_URL ?? "";
const adminKey = process.env.AIPROXY_ADMIN_KEY ?? "";
const summaryGroup = process.env.AIPROXY_SUMMARY_GROUP ?? "";
const summaryExpect = process.env.AIPROXY_SUMMARY_EXPECT ?? "";
const skip =
  baseUrl && adminKey && summaryGroup && summaryExpect
    ? false
    : "AIPROXY_BASE_URL, AIPROXY_ADMIN_KEY and AIPROXY_SUMMARY_* name the server under test";
/** @type {{requests: number, errors: number, inputTokens: number, outputTokens: number, statusCodes: number[]}} */
const expected = summaryExpect ? JSON.parse(summaryExpect) : {};

/** @type {[string, (key: string) => import("../dist/index.js").AdminClient][]} */
const transports = [
  ["connect", (key) => node.createAdminClient(baseUrl, key, { protocol: "connect" })],
  ["grpc", (key) => node.createAdminClient(baseUrl, key, { protocol: "grpc" })],
  ["grpc-web (./web)", (key) => web.createAdminClient(baseUrl, key, { protocol: "grpc-web" })],
  ["connect (./web)", (key) => web.createAdminClient(baseUrl, key, { protocol: "connect" })],
];

/**
 * The ConnectError `call` rejects with.
 * @param {() => Promise<unknown>} call
 */
async function refusal(call) {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof ConnectError, `not a ConnectError: ${error}`);
    return error;
  }
  assert.fail("the call succeeded");
}

for (const [name, connect] of transports) {
  test(`${name}: a group, a token and a channel, created and listed`, { skip }, async () => {
    const admin = connect(adminKey);
    const groupId = `ts-${name.slice(0, 4)}-${randomUUID().slice(0, 8)}`;

    const group = await admin.groups.createGroup({ group: { id: groupId, rpmRatio: 2 } });
    assert.equal(group.id, groupId);
    assert.equal(group.status, Status.ENABLED);
    assert.equal(group.rpmRatio, 2);
    const groups = await admin.groups.listGroups({ keyword: groupId });
    assert.deepEqual(
      groups.groups.map((listed) => listed.id),
      [groupId],
    );
    assert.equal(groups.totalSize, 1n);

    const created = await admin.tokens.createToken({
      token: { groupId, name: "ci", subnets: ["127.0.0.0/8"] },
    });
    assert.match(created.key, /^sk-/);
    assert.equal(created.token?.keyPrefix, created.key.slice(0, 8));
    const tokens = await admin.tokens.listTokens({ groupId });
    assert.deepEqual(
      tokens.tokens.map((token) => [token.name, token.subnets]),
      [["ci", ["127.0.0.0/8"]]],
    );

    const secret = "sk-typescript-upstream-0123456789";
    const channel = await admin.channels.createChannel({
      channel: {
        name: `${groupId}-openai`,
        type: "openai",
        baseUrl: "http://127.0.0.1:9000/v1",
        key: secret,
        models: ["gpt-4o-mini"],
      },
    });
    assert.ok(channel.id > 0n);
    // Secrets never come back: the key is masked.
    assert.equal(channel.key, "sk-t…6789");
    const channels = await admin.channels.listChannels({ keyword: groupId });
    assert.deepEqual(
      channels.channels.map((listed) => [listed.id, listed.name, listed.models]),
      [[channel.id, `${groupId}-openai`, ["gpt-4o-mini"]]],
    );
  });

  test(`${name}: the logs summary, listing and CSV export`, { skip }, async () => {
    const admin = connect(adminKey);
    const filter = { groupId: summaryGroup };

    const totals = await admin.logs.getTotals({ filter });
    assert.equal(totals.requests, BigInt(expected.requests));
    assert.equal(totals.errors, BigInt(expected.errors));
    assert.equal(totals.clientErrors + totals.serverErrors, totals.errors);
    assert.equal(totals.inputTokens, BigInt(expected.inputTokens));
    assert.equal(totals.outputTokens, BigInt(expected.outputTokens));

    const summary = await admin.logs.getSummary({ granularity: Granularity.MINUTE, filter });
    assert.ok(summary.points.length >= 1);
    const requests = summary.points.reduce((sum, point) => sum + point.requests, 0n);
    assert.equal(requests, BigInt(expected.requests));

    const logs = await admin.logs.listLogs({ filter });
    const statusCodes = logs.logs.map((log) => Number(log.statusCode)).sort((a, b) => a - b);
    assert.deepEqual(statusCodes, expected.statusCodes);

    // A server stream: the CSV arrives in chunks, header row first.
    let csv = "";
    const decoder = new TextDecoder();
    for await (const chunk of admin.logs.exportLogs({ filter })) {
      csv += decoder.decode(chunk.data, { stream: true });
    }
    const rows = csv.trim().split("\n");
    assert.equal(rows.length, expected.requests + 1, csv);
    assert.ok(rows.slice(1).every((row) => row.includes(summaryGroup)), csv);
  });

  test(`${name}: refusals carry their codes`, { skip }, async () => {
    const denied = await refusal(() => connect("not-the-admin-key").groups.listGroups({}));
    assert.equal(denied.code, Code.Unauthenticated);

    const admin = connect(adminKey);
    const missing = await refusal(() => admin.groups.getGroup({ id: "no-such-group" }));
    assert.equal(missing.code, Code.NotFound);
    const invalid = await refusal(() =>
      admin.channels.createChannel({ channel: { name: "x", type: "no-such-type" } }),
    );
    assert.equal(invalid.code, Code.InvalidArgument);
    assert.match(invalid.rawMessage, /channel\.type/);
  });
}

test("an empty admin key is refused before any call", () => {
  assert.throws(() => node.createAdminClient("http://127.0.0.1:1", ""), /admin key is empty/);
});
