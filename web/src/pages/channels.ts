// Channels: list (paged, searched, filtered by type and status), create (one, or one per key),
// edit, enable/disable, delete, test (one channel, every channel, a form before it is saved),
// each channel's bans shown and cleared, its balance read.
// The key comes back masked; sending the masked value back keeps the stored key, so the edit
// form can show it as it is. The form describes the chosen type as the server does
// (ListChannelTypes): its display name, default base URL as the placeholder, key format,
// what it serves, and its config keys as fields of their own.
import { api } from "../api";
import { Status, statusFilterOptions, statusName, statusOptions, toggled } from "../common";
import { button, form, h, list, optionalBigint, pairs, pairsText, showNotice, table, type Field, type Values } from "../dom";
import type { Channel, ChannelBan, ChannelTestResult, ChannelTypeDescription } from "../gen/aiproxy/admin/v1/channels_pb";
import { decimal, num, t } from "../i18n";
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
    if (baseUrl) baseUrl.placeholder = type?.defaultBaseUrl || t("required: this type has no default");
    if (!type) {
      element.replaceChildren();
      return;
    }
    const served = type.endpoints.map((route) => (type.nativeEndpoints.includes(route) ? route : t("{route} (converted)", { route })));
    element.replaceChildren(
      h("p", { "data-testid": "channel-key-help" }, t("Key: {help}", { help: type.keyHelp })),
      h("p", {}, t("Serves: {routes}", { routes: served.join(", ") || t("nothing yet") })),
      ...(type.aliases.length ? [h("p", {}, t("Also named: {names}", { names: type.aliases.join(", ") }))] : []),
      ...type.configKeys.map((key) => {
        const name = `${CONFIG_FIELD}${key.name}`;
        const value = config[key.name] ?? "";
        const control =
          key.type === "bool"
            ? h(
                "select",
                { name },
                ...[["", key.default ? t("default ({value})", { value: key.default }) : t("default")], ["true", "true"], ["false", "false"]].map(
                  ([option, label]) => h("option", { value: option, selected: option === value }, label),
                ),
              )
            : h("input", { type: "text", name, value, placeholder: key.default || "" });
        return h("label", {}, h("span", {}, t("Config {key}", { key: key.name })), control, h("small", {}, key.help));
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
    { kind: "text", name: "name", label: t("Name"), value: channel?.name ?? "", required: true },
    { kind: "select", name: "type", label: t("Type"), options: typeOptions(types), value: chosen, onChange: details.draw },
    { kind: "text", name: "base_url", label: t("Base URL"), value: channel?.baseUrl ?? "", hint: t("empty: the type's default (shown greyed)") },
    { kind: "password", name: "key", label: t("Key"), value: channel?.key ?? "", hint: channel ? t("leave the masked value to keep the stored key") : undefined },
    { kind: "slot", element: details.element },
    { kind: "text", name: "models", label: t("Models"), value: channel?.models.join(", ") ?? "", hint: t("comma-separated") },
    { kind: "textarea", name: "model_mapping", label: t("Model mapping"), value: pairsText(channel?.modelMapping ?? {}), hint: t("requested=upstream, one per line") },
    { kind: "number", name: "priority", label: t("Priority"), value: channel?.priority.toString() ?? "0" },
    { kind: "text", name: "sets", label: t("Sets"), value: channel?.sets.join(", ") ?? "", hint: t("empty: the default set") },
    { kind: "select", name: "status", label: t("Status"), options: statusOptions(false), value: String(channel?.status ?? Status.ENABLED) },
    { kind: "text", name: "proxy_url", label: t("Proxy URL"), value: channel?.proxyUrl ?? "" },
    { kind: "number", name: "connect_ms", label: t("Connect timeout (ms)"), value: channel?.timeouts?.connectMs?.toString() ?? "" },
    { kind: "number", name: "first_byte_ms", label: t("First byte timeout (ms)"), value: channel?.timeouts?.firstByteMs?.toString() ?? "" },
    { kind: "number", name: "stream_idle_ms", label: t("Stream idle timeout (ms)"), value: channel?.timeouts?.streamIdleMs?.toString() ?? "" },
    { kind: "textarea", name: "config", label: t("Other config"), value: pairsText(rest), hint: t("key=value per line, for keys without a field above") },
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
  const outcome = result.success ? t("ok") : result.statusCode ? `HTTP ${result.statusCode}` : t("failed");
  const why = result.error ? `: ${result.error}` : "";
  return `${result.model}: ${outcome} ${t("{ms} ms", { ms: num(result.latencyMs) })}${why}`;
}

function testsCell(results: ChannelTestResult[]): HTMLElement {
  return h("span", { class: "tests" }, ...results.map((result) => h("div", {}, testLine(result))));
}

export async function channelsPage(root: HTMLElement): Promise<void> {
  const { descriptions: types } = await api.channels.listChannelTypes({});
  const editor = h("div", { class: "editor" });
  const filter = { keyword: "", type: "", status: Status.UNSPECIFIED };
  // The (channel, model) pairs out of rotation, read with each refresh of the list.
  let bans: ChannelBan[] = [];
  const listing = pager(
    "channels-pager",
    (pageSize, pageToken) => api.channels.listChannels({ pageSize, pageToken, ...filter }),
    (response) => [
      table(
        [t("Id"), t("Name"), t("Type"), t("Base URL"), t("Key"), t("Models"), t("Priority"), t("Sets"), t("Status"), t("Last tests"), t("Balance"), t("Bans"), ""],
        response.channels.map((channel) => [
          channel.id,
          channel.name,
          channel.type,
          channel.baseUrl,
          channel.key,
          channel.models.join(", "),
          channel.priority,
          channel.sets.join(", "),
          statusName(channel.status),
          testsCell(channel.lastTests),
          balanceText(channel),
          bansCell(channel),
          h(
            "span",
            { class: "actions" },
            button(t("Edit"), () => edit(channel)),
            button(t("Test"), async () => {
              const { results } = await api.channels.testChannel({ id: channel.id });
              showNotice(t("channel {name}: {results}", { name: channel.name, results: results.map(testLine).join("; ") }));
              await refresh();
            }, `test-channel-${channel.id}`),
            ...(channel.balance?.supported
              ? [
                  button(t("Read balance"), async () => {
                    await api.channels.updateChannelBalance({ id: channel.id });
                    await refresh();
                  }),
                ]
              : []),
            button(channel.status === Status.ENABLED ? t("Disable") : t("Enable"), async () => {
              await api.channels.setChannelStatus({ id: channel.id, status: toggled(channel.status) });
              await refresh();
            }),
            button(t("Delete"), async () => {
              if (!window.confirm(t("Delete channel {name}?", { name: channel.name }))) return;
              await api.channels.deleteChannel({ id: channel.id });
              showNotice(t("channel {name} deleted", { name: channel.name }));
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
    button(t("New channel"), () => {
      editor.replaceChildren(
        h("h3", {}, t("New channel")),
        form(fields(types), t("Create"), async (values) => {
          const channel = await api.channels.createChannel({ channel: channelFrom(values, 0n) });
          editor.replaceChildren();
          showNotice(t("channel {name} created (id {id})", { name: channel.name, id: channel.id }));
          await refresh();
        }, "channel-form"),
      );
    }, "new-channel"),
    button(t("New channels from many keys"), () => {
      editor.replaceChildren(
        h("h3", {}, t("New channels, one per key")),
        form(
          fields(types).map((field) =>
            field.kind !== "slot" && field.name === "key"
              ? { kind: "textarea", name: "key", label: t("Keys"), value: "", required: true, hint: t("one per line; names get -1, -2, ...") }
              : field,
          ),
          t("Create"),
          async (values) => {
            const { channels } = await api.channels.createChannels({
              channel: { ...channelFrom(values, 0n), key: "" },
              keys: [values.key],
            });
            editor.replaceChildren();
            showNotice(t("{count} channels created: {names}", { count: channels.length, names: channels.map((channel) => channel.name).join(", ") }));
            await refresh();
          },
          "channels-many-form",
        ),
      );
    }, "new-channels-many"),
    button(t("Test every channel"), async () => {
      let passed = 0;
      let failed = 0;
      // One result per (channel, model) arrives as each test ends.
      for await (const result of api.channels.testChannels({})) {
        if (result.success) passed += 1;
        else failed += 1;
      }
      showNotice(t("tested every enabled channel: {passed} passed, {failed} failed", { passed, failed }));
      await refresh();
    }, "test-all-channels"),
    editor,
    form(
      [
        { kind: "text", name: "keyword", label: t("Search"), hint: t("part of the name or base URL") },
        { kind: "select", name: "type", label: t("Type"), options: [["", t("any type")], ...typeOptions(types)] },
        { kind: "select", name: "status", label: t("Status"), options: statusFilterOptions(false) },
      ],
      t("Search"),
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
    bans = (await api.channels.listChannelBans({})).bans;
    await listing.reload();
  }

  /// The channel's banned models with why, and a button that lifts them all.
  function bansCell(channel: Channel): HTMLElement | null {
    const own = bans.filter((ban) => ban.channelId === channel.id);
    if (!own.length) return null;
    return h(
      "span",
      { class: "tests" },
      ...own.map((ban) => h("div", {}, `${ban.model}: ${ban.reason}`)),
      button(t("Clear bans"), async () => {
        const { cleared } = await api.channels.clearChannelBans({ channelId: channel.id });
        showNotice(t("{count} ban(s) cleared", { count: cleared }));
        await refresh();
      }, `clear-bans-${channel.id}`),
    );
  }

  function edit(channel: Channel): void {
    editor.replaceChildren(
      h("h3", {}, t("Edit channel {name}", { name: channel.name })),
      form(fields(types, channel), t("Save"), async (values) => {
        await api.channels.updateChannel({ channel: channelFrom(values, channel.id), updateMask: { paths: EDITABLE } });
        editor.replaceChildren();
        showNotice(t("channel {name} saved", { name: values.name }));
        await refresh();
      }, "channel-form"),
      previewForm(channel),
    );
  }

  /// Tests what the edit form above holds, unsaved: the values are read from that form.
  function previewForm(channel: Channel): HTMLElement {
    return button(t("Test without saving"), async () => {
      const edited = editor.querySelector<HTMLFormElement>('[data-testid="channel-form"]');
      if (!edited) return;
      const values = Object.fromEntries(
        [...new FormData(edited).entries()].map(([name, value]) => [name, String(value).trim()]),
      ) as Values;
      const { results } = await api.channels.previewChannelTest({ channel: channelFrom(values, channel.id) });
      showNotice(t("unsaved {name}: {results}", { name: values.name, results: results.map(testLine).join("; ") }));
    }, "preview-channel-test");
  }

  await refresh();
}

/** The upstream balance as the list shows it: amount and currency, or why it could not be read. */
function balanceText(channel: Channel): string {
  const balance = channel.balance;
  if (!balance?.supported) return t("n/a");
  const amount =
    balance.balance === undefined ? t("not read") : `${decimal(balance.balance)}${balance.currency ? ` ${balance.currency}` : ""}`;
  return balance.lastError ? t("{amount} (error: {error})", { amount, error: balance.lastError }) : amount;
}
