// Channels: list (paged, searched, filtered by type and status), create (one, or one per key),
// edit, enable/disable, delete, test (one channel, every channel, a form before it is saved).
// The key comes back masked; sending the masked value back keeps the stored key, so the edit
// form can show it as it is.
import { api } from "../api";
import { Status, statusFilterOptions, statusName, statusOptions, toggled } from "../common";
import { button, form, h, list, optionalBigint, pairs, pairsText, showNotice, table, type Field, type Values } from "../dom";
import type { Channel, ChannelTestResult } from "../gen/aiproxy/admin/v1/channels_pb";
import { pager } from "../paging";

const EDITABLE = ["name", "type", "base_url", "key", "models", "model_mapping", "priority", "sets", "status", "proxy_url", "timeouts", "config"];

function fields(types: string[], channel?: Channel): Field[] {
  return [
    { kind: "text", name: "name", label: "Name", value: channel?.name ?? "", required: true },
    { kind: "select", name: "type", label: "Type", options: types.map((type) => [type, type]), value: channel?.type ?? "openai" },
    { kind: "text", name: "base_url", label: "Base URL", value: channel?.baseUrl ?? "", hint: "empty: the type's default" },
    { kind: "password", name: "key", label: "Key", value: channel?.key ?? "", hint: channel ? "leave the masked value to keep the stored key" : undefined },
    { kind: "text", name: "models", label: "Models", value: channel?.models.join(", ") ?? "", hint: "comma-separated" },
    { kind: "textarea", name: "model_mapping", label: "Model mapping", value: pairsText(channel?.modelMapping ?? {}), hint: "requested=upstream, one per line" },
    { kind: "number", name: "priority", label: "Priority", value: channel?.priority.toString() ?? "0" },
    { kind: "text", name: "sets", label: "Sets", value: channel?.sets.join(", ") ?? "", hint: "empty: the default set" },
    { kind: "select", name: "status", label: "Status", options: statusOptions(false), value: String(channel?.status ?? Status.ENABLED) },
    { kind: "text", name: "proxy_url", label: "Proxy URL", value: channel?.proxyUrl ?? "" },
    { kind: "number", name: "connect_ms", label: "Connect timeout (ms)", value: channel?.timeouts?.connectMs?.toString() ?? "" },
    { kind: "number", name: "first_byte_ms", label: "First byte timeout (ms)", value: channel?.timeouts?.firstByteMs?.toString() ?? "" },
    { kind: "number", name: "stream_idle_ms", label: "Stream idle timeout (ms)", value: channel?.timeouts?.streamIdleMs?.toString() ?? "" },
    { kind: "textarea", name: "config", label: "Config", value: pairsText(channel?.config ?? {}), hint: "key=value per line, e.g. api_version=2024-10-21" },
  ];
}

function channelFrom(values: Values, id: bigint) {
  return {
    id,
    name: values.name,
    type: values.type,
    baseUrl: values.base_url,
    key: values.key,
    models: list(values.models),
    modelMapping: pairs(values.model_mapping),
    priority: BigInt(values.priority || "0"),
    sets: list(values.sets),
    status: Number(values.status) as Status,
    proxyUrl: values.proxy_url,
    timeouts: {
      connectMs: optionalBigint(values.connect_ms),
      firstByteMs: optionalBigint(values.first_byte_ms),
      streamIdleMs: optionalBigint(values.stream_idle_ms),
    },
    config: pairs(values.config),
  };
}

/// One test as a table cell reads it: "model: ok 120 ms" or "model: HTTP 401 120 ms: why".
function testLine(result: ChannelTestResult): string {
  const outcome = result.success ? "ok" : result.statusCode ? `HTTP ${result.statusCode}` : "failed";
  const why = result.error ? `: ${result.error}` : "";
  return `${result.model}: ${outcome} ${result.latencyMs} ms${why}`;
}

function testsCell(results: ChannelTestResult[]): HTMLElement {
  return h("span", { class: "tests" }, ...results.map((result) => h("div", {}, testLine(result))));
}

export async function channelsPage(root: HTMLElement): Promise<void> {
  const { types } = await api.channels.listChannelTypes({});
  const editor = h("div", { class: "editor" });
  const filter = { keyword: "", type: "", status: Status.UNSPECIFIED };
  const listing = pager(
    "channels-pager",
    (pageSize, pageToken) => api.channels.listChannels({ pageSize, pageToken, ...filter }),
    (response) => [
      table(
        ["Id", "Name", "Type", "Base URL", "Key", "Models", "Priority", "Sets", "Status", "Last tests", "Balance", ""],
        response.channels.map((channel) => [
          channel.id,
          channel.name,
          channel.type,
          channel.baseUrl,
          channel.key,
          channel.models.join(", "),
          channel.priority,
          channel.sets.join(", "),
          statusName[channel.status],
          testsCell(channel.lastTests),
          balanceText(channel),
          h(
            "span",
            { class: "actions" },
            button("Edit", () => edit(channel)),
            button("Test", async () => {
              const { results } = await api.channels.testChannel({ id: channel.id });
              showNotice(`channel ${channel.name}: ${results.map(testLine).join("; ")}`);
              await refresh();
            }, `test-channel-${channel.id}`),
            ...(channel.balance?.supported
              ? [
                  button("Read balance", async () => {
                    await api.channels.updateChannelBalance({ id: channel.id });
                    await refresh();
                  }),
                ]
              : []),
            button(channel.status === Status.ENABLED ? "Disable" : "Enable", async () => {
              await api.channels.setChannelStatus({ id: channel.id, status: toggled(channel.status) });
              await refresh();
            }),
            button("Delete", async () => {
              if (!window.confirm(`Delete channel ${channel.name}?`)) return;
              await api.channels.deleteChannel({ id: channel.id });
              showNotice(`channel ${channel.name} deleted`);
              await refresh();
            }),
          ),
        ]),
        "channels-table",
      ),
    ],
    (response) => response.channels.length,
  );
  root.append(
    button("New channel", () => {
      editor.replaceChildren(
        h("h3", {}, "New channel"),
        form(fields(types), "Create", async (values) => {
          const channel = await api.channels.createChannel({ channel: channelFrom(values, 0n) });
          editor.replaceChildren();
          showNotice(`channel ${channel.name} created (id ${channel.id})`);
          await refresh();
        }, "channel-form"),
      );
    }, "new-channel"),
    button("New channels from many keys", () => {
      editor.replaceChildren(
        h("h3", {}, "New channels, one per key"),
        form(
          fields(types).map((field) =>
            field.kind !== "slot" && field.name === "key"
              ? { kind: "textarea", name: "key", label: "Keys", value: "", required: true, hint: "one per line; names get -1, -2, ..." }
              : field,
          ),
          "Create",
          async (values) => {
            const { channels } = await api.channels.createChannels({
              channel: { ...channelFrom(values, 0n), key: "" },
              keys: [values.key],
            });
            editor.replaceChildren();
            showNotice(`${channels.length} channels created: ${channels.map((channel) => channel.name).join(", ")}`);
            await refresh();
          },
          "channels-many-form",
        ),
      );
    }, "new-channels-many"),
    button("Test every channel", async () => {
      let passed = 0;
      let failed = 0;
      // One result per (channel, model) arrives as each test ends.
      for await (const result of api.channels.testChannels({})) {
        if (result.success) passed += 1;
        else failed += 1;
      }
      showNotice(`tested every enabled channel: ${passed} passed, ${failed} failed`);
      await refresh();
    }, "test-all-channels"),
    editor,
    form(
      [
        { kind: "text", name: "keyword", label: "Search", hint: "part of the name or base URL" },
        { kind: "select", name: "type", label: "Type", options: [["", "any type"], ...types.map((type): [string, string] => [type, type])] },
        { kind: "select", name: "status", label: "Status", options: statusFilterOptions(false) },
      ],
      "Search",
      async (values) => {
        filter.keyword = values.keyword;
        filter.type = values.type;
        filter.status = Number(values.status) as Status;
        await listing.reload(true);
      },
      "channels-search",
    ),
    listing.element,
  );

  async function refresh(): Promise<void> {
    await listing.reload();
  }

  function edit(channel: Channel): void {
    editor.replaceChildren(
      h("h3", {}, `Edit channel ${channel.name}`),
      form(fields(types, channel), "Save", async (values) => {
        await api.channels.updateChannel({ channel: channelFrom(values, channel.id), updateMask: { paths: EDITABLE } });
        editor.replaceChildren();
        showNotice(`channel ${values.name} saved`);
        await refresh();
      }, "channel-form"),
      previewForm(channel),
    );
  }

  /// Tests what the edit form above holds, unsaved: the values are read from that form.
  function previewForm(channel: Channel): HTMLElement {
    return button("Test without saving", async () => {
      const edited = editor.querySelector<HTMLFormElement>('[data-testid="channel-form"]');
      if (!edited) return;
      const values = Object.fromEntries(
        [...new FormData(edited).entries()].map(([name, value]) => [name, String(value).trim()]),
      ) as Values;
      const { results } = await api.channels.previewChannelTest({ channel: channelFrom(values, channel.id) });
      showNotice(`unsaved ${values.name}: ${results.map(testLine).join("; ")}`);
    }, "preview-channel-test");
  }

  await refresh();
}

/** The upstream balance as the list shows it: amount and currency, or why it could not be read. */
function balanceText(channel: Channel): string {
  const balance = channel.balance;
  if (!balance?.supported) return "n/a";
  const amount =
    balance.balance === undefined ? "not read" : `${balance.balance}${balance.currency ? ` ${balance.currency}` : ""}`;
  return balance.lastError ? `${amount} (error: ${balance.lastError})` : amount;
}
