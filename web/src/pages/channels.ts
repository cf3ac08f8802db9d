// Channels: list (paged, searched, filtered by type and status), create (one, or one per key),
// edit, enable/disable, delete, test (one channel, every channel, a form before it is saved).
// The key comes back masked; sending the masked value back keeps the stored key, so the edit
// form can show it as it is. The form describes the chosen type as the server does
// (ListChannelTypes): its display name, default base URL as the placeholder, key format,
// what it serves, and its config keys as fields of their own.
import { api } from "../api";
import { Status, statusFilterOptions, statusName, statusOptions, toggled } from "../common";
import { button, form, h, list, optionalBigint, pairs, pairsText, showNotice, table, type Field, type Values } from "../dom";
import type { Channel, ChannelTestResult, ChannelTypeDescription } from "../gen/aiproxy/admin/v1/channels_pb";
import { pager } from "../paging";

const EDITABLE = ["name", "type", "base_url", "key", "models", "model_mapping", "priority", "sets", "status", "proxy_url", "timeouts", "config"];

/// Form fields named `config:<key>` hold the chosen type's own config keys.
const CONFIG_FIELD = "config:";

/// Type choices labelled as people know the provider: "DeepSeek (deepseek)".
function typeOptions(types: ChannelTypeDescription[]): [string, string][] {
  return types.map((type): [string, string] => [
    type.name,
    type.displayName && type.displayName !== type.name ? `${type.displayName} (${type.name})` : type.name,
  ]);
}

/// What the form shows of the chosen type, redrawn when the type changes: its key format,
/// what it serves and its config keys as fields (filled from `config`, which keeps the rest).
function typeDetails(types: ChannelTypeDescription[], config: Record<string, string>) {
  const element = h("div", { class: "type-details", "data-testid": "channel-type-details" });
  const draw = (name: string): void => {
    const type = types.find((candidate) => candidate.name === name);
    const form = element.closest("form");
    const baseUrl = form?.querySelector<HTMLInputElement>('input[name="base_url"]');
    if (baseUrl) baseUrl.placeholder = type?.defaultBaseUrl || "required: this type has no default";
    if (!type) {
      element.replaceChildren();
      return;
    }
    const served = type.endpoints.map((route) => (type.nativeEndpoints.includes(route) ? route : `${route} (converted)`));
    element.replaceChildren(
      h("p", { "data-testid": "channel-key-help" }, `Key: ${type.keyHelp}`),
      h("p", {}, `Serves: ${served.join(", ") || "nothing yet"}`),
      ...(type.aliases.length ? [h("p", {}, `Also named: ${type.aliases.join(", ")}`)] : []),
      ...type.configKeys.map((key) => {
        const name = `${CONFIG_FIELD}${key.name}`;
        const value = config[key.name] ?? "";
        const control =
          key.type === "bool"
            ? h(
                "select",
                { name },
                ...[["", `default${key.default ? ` (${key.default})` : ""}`], ["true", "true"], ["false", "false"]].map(
                  ([option, label]) => h("option", { value: option, selected: option === value }, label),
                ),
              )
            : h("input", { type: "text", name, value, placeholder: key.default || "" });
        return h("label", {}, h("span", {}, `Config ${key.name}`), control, h("small", {}, key.help));
      }),
    );
  };
  return { element, draw };
}

/// The config textarea's pairs with the type's config fields laid over them (an empty field
/// leaves its key unset).
function configFrom(values: Values): Record<string, string> {
  const config = pairs(values.config ?? "");
  for (const [name, value] of Object.entries(values)) {
    if (!name.startsWith(CONFIG_FIELD) || typeof value !== "string") continue;
    const key = name.slice(CONFIG_FIELD.length);
    if (value === "") delete config[key];
    else config[key] = value;
  }
  return config;
}

function fields(types: ChannelTypeDescription[], channel?: Channel): Field[] {
  const chosen = channel?.type ?? "openai";
  const typeKeys = (name: string) => types.find((type) => type.name === name)?.configKeys.map((key) => key.name) ?? [];
  // Keys the type's own fields show stay out of the free-form text.
  const rest = Object.fromEntries(Object.entries(channel?.config ?? {}).filter(([key]) => !typeKeys(chosen).includes(key)));
  const details = typeDetails(types, channel?.config ?? {});
  // Drawn once the form holds it (the base URL placeholder is the form's), then on each change.
  queueMicrotask(() => details.draw(chosen));
  return [
    { kind: "text", name: "name", label: "Name", value: channel?.name ?? "", required: true },
    { kind: "select", name: "type", label: "Type", options: typeOptions(types), value: chosen, onChange: details.draw },
    { kind: "text", name: "base_url", label: "Base URL", value: channel?.baseUrl ?? "", hint: "empty: the type's default (shown greyed)" },
    { kind: "password", name: "key", label: "Key", value: channel?.key ?? "", hint: channel ? "leave the masked value to keep the stored key" : undefined },
    { kind: "slot", element: details.element },
    { kind: "text", name: "models", label: "Models", value: channel?.models.join(", ") ?? "", hint: "comma-separated" },
    { kind: "textarea", name: "model_mapping", label: "Model mapping", value: pairsText(channel?.modelMapping ?? {}), hint: "requested=upstream, one per line" },
    { kind: "number", name: "priority", label: "Priority", value: channel?.priority.toString() ?? "0" },
    { kind: "text", name: "sets", label: "Sets", value: channel?.sets.join(", ") ?? "", hint: "empty: the default set" },
    { kind: "select", name: "status", label: "Status", options: statusOptions(false), value: String(channel?.status ?? Status.ENABLED) },
    { kind: "text", name: "proxy_url", label: "Proxy URL", value: channel?.proxyUrl ?? "" },
    { kind: "number", name: "connect_ms", label: "Connect timeout (ms)", value: channel?.timeouts?.connectMs?.toString() ?? "" },
    { kind: "number", name: "first_byte_ms", label: "First byte timeout (ms)", value: channel?.timeouts?.firstByteMs?.toString() ?? "" },
    { kind: "number", name: "stream_idle_ms", label: "Stream idle timeout (ms)", value: channel?.timeouts?.streamIdleMs?.toString() ?? "" },
    { kind: "textarea", name: "config", label: "Other config", value: pairsText(rest), hint: "key=value per line, for keys without a field above" },
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
    config: configFrom(values),
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
  const { descriptions: types } = await api.channels.listChannelTypes({});
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
        { kind: "select", name: "type", label: "Type", options: [["", "any type"], ...typeOptions(types)] },
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
