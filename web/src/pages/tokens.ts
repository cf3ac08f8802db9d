// Tokens of one group: list (paged, searched by name, filtered by status), create (the key is
// shown once), edit what UpdateToken allows, enable/disable, delete one or the selected ones.
// Listings come masked from the server (a key prefix only); the plain key exists only in the
// create answer and is shown in this page until the next navigation.
import { api } from "../api";
import { Status, statusFilterOptions, statusName, toggled } from "../common";
import { button, form, h, list, localFromMs, msFromLocal, optionalBigint, optionalString, showNotice, table, time, type Field, type Values } from "../dom";
import { QuotaPeriod, type Token } from "../gen/aiproxy/admin/v1/tokens_pb";
import { decimal, num, t } from "../i18n";
import { pager } from "../paging";

const periodOptions = (): [string, string][] => [
  [String(QuotaPeriod.UNSPECIFIED), t("none")],
  [String(QuotaPeriod.DAILY), t("daily")],
  [String(QuotaPeriod.WEEKLY), t("weekly")],
  [String(QuotaPeriod.MONTHLY), t("monthly")],
];

// What UpdateToken changes from the edit form (status has its own button).
const EDITABLE = ["name", "models", "subnets", "mcp_servers", "quota", "period_quota", "period", "rpm", "tpm", "max_concurrency", "expires_at_ms"];

function fields(token?: Token): Field[] {
  return [
    { kind: "text", name: "name", label: t("Name"), value: token?.name ?? "", required: true },
    { kind: "text", name: "models", label: t("Models"), value: token?.models.join(", ") ?? "", hint: t("comma-separated; empty: every model of the group") },
    { kind: "text", name: "subnets", label: t("Subnets (CIDR)"), value: token?.subnets.join(", ") ?? "", hint: t("empty: anywhere") },
    { kind: "text", name: "mcp_servers", label: t("MCP servers"), value: token?.mcpServers.join(", ") ?? "", hint: t("server or server/tool, comma-separated; empty: every server of the group and the public ones") },
    { kind: "text", name: "quota", label: t("Lifetime quota"), value: token?.quota ?? "", hint: t("empty: unlimited") },
    { kind: "text", name: "period_quota", label: t("Period quota"), value: token?.periodQuota ?? "", hint: t("empty: unlimited") },
    { kind: "select", name: "period", label: t("Period"), options: periodOptions(), value: String(token?.period ?? QuotaPeriod.UNSPECIFIED) },
    { kind: "number", name: "rpm", label: t("RPM"), value: token?.rpm?.toString() ?? "", hint: t("empty: unlimited") },
    { kind: "number", name: "tpm", label: t("TPM"), value: token?.tpm?.toString() ?? "", hint: t("empty: unlimited") },
    { kind: "number", name: "max_concurrency", label: t("Max concurrency"), value: token?.maxConcurrency?.toString() ?? "", hint: t("empty: unlimited") },
    { kind: "datetime", name: "expires", label: t("Expires"), value: localFromMs(token?.expiresAtMs), hint: t("empty: never") },
    ...(token ? [] : [{ kind: "password", name: "key", label: t("Key"), hint: t("empty: generated (at least 8 characters)") } as Field]),
  ];
}

function tokenFrom(values: Values, groupId: string) {
  const expires = msFromLocal(values.expires);
  return {
    groupId,
    name: values.name,
    models: list(values.models),
    subnets: list(values.subnets),
    mcpServers: list(values.mcp_servers),
    quota: optionalString(values.quota),
    periodQuota: optionalString(values.period_quota),
    period: Number(values.period) as QuotaPeriod,
    rpm: optionalBigint(values.rpm),
    tpm: optionalBigint(values.tpm),
    maxConcurrency: optionalBigint(values.max_concurrency),
    expiresAtMs: expires === 0n ? undefined : expires,
  };
}

export async function tokensPage(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const groups = await api.groups.listGroups({ pageSize: 1000 });
  const groupId = params.get("group") ?? groups.groups[0]?.id ?? "";
  const picker = h(
    "select",
    {
      name: "group",
      "data-testid": "token-group",
      onchange: (event) => {
        window.location.hash = `#/tokens?group=${encodeURIComponent((event.target as HTMLSelectElement).value)}`;
      },
    },
    ...groups.groups.map((group) => h("option", { value: group.id, selected: group.id === groupId }, group.id)),
  );
  root.append(h("label", { class: "inline" }, `${t("Group")} `, picker));
  if (groupId === "") {
    root.append(h("p", {}, t("No groups yet: create one first.")));
    return;
  }

  const created = h("div", { class: "created" });
  const editor = h("div", { class: "editor" });
  const filter = { keyword: "", status: Status.UNSPECIFIED };
  const listing = pager(
    "tokens-pager",
    (pageSize, pageToken) => api.tokens.listTokens({ groupId, pageSize, pageToken, ...filter }),
    (response) => [
      h("p", { class: "actions" }, button(t("Delete selected"), () => deleteSelected(), "delete-tokens")),
      table(
        ["", t("Id"), t("Name"), t("Key"), t("Status"), t("Models"), t("MCP servers"), t("Used"), t("Quota left"), t("Requests"), t("Expires"), t("Last used"), ""],
        response.tokens.map((token) => [
          h("input", { type: "checkbox", "data-token-id": token.id.toString(), "aria-label": t("select {name}", { name: token.name }) }),
          token.id,
          token.name,
          `${token.keyPrefix}…`,
          statusName(token.status),
          token.models.join(", "),
          token.mcpServers.join(", "),
          decimal(token.usedAmount),
          token.remainingQuota === undefined ? t("unlimited") : decimal(token.remainingQuota),
          num(token.requestCount),
          time(token.expiresAtMs),
          time(token.accessedAtMs),
          h(
            "span",
            { class: "actions" },
            button(t("Edit"), () => edit(token)),
            button(token.status === Status.ENABLED ? t("Disable") : t("Enable"), async () => {
              await api.tokens.setTokenStatus({ id: token.id, status: toggled(token.status) });
              await refresh();
            }),
            button(t("Delete"), async () => {
              if (!window.confirm(t("Delete token {name}?", { name: token.name }))) return;
              await api.tokens.deleteToken({ id: token.id });
              showNotice(t("token {name} deleted", { name: token.name }));
              await refresh();
            }),
          ),
        ]),
        "tokens-table",
      ),
    ],
    (response) => response.tokens.length,
  );
  root.append(
    button(t("New token"), () => {
      editor.replaceChildren(
        h("h3", {}, t("New token in {group}", { group: groupId })),
        form(fields(), t("Create"), async (values) => {
          const response = await api.tokens.createToken({
            token: { ...tokenFrom(values, groupId), status: Status.ENABLED },
            key: optionalString(values.key),
          });
          editor.replaceChildren();
          created.replaceChildren(
            h("p", {}, t("Token {name} created. Copy the key now: it cannot be shown again.", { name: response.token?.name ?? "" })),
            h("code", { "data-testid": "new-token-key" }, response.key),
          );
          showNotice(t("token created"));
          await refresh();
        }, "token-form"),
      );
    }, "new-token"),
    created,
    editor,
    form(
      [
        { kind: "text", name: "keyword", label: t("Search"), hint: t("part of the name") },
        { kind: "select", name: "status", label: t("Status"), options: statusFilterOptions(false) },
      ],
      t("Search"),
      async (values) => {
        filter.keyword = values.keyword;
        filter.status = Number(values.status) as Status;
        await listing.reload(true);
      },
      "tokens-search",
    ),
    listing.element,
  );

  function edit(token: Token): void {
    editor.replaceChildren(
      h("h3", {}, t("Edit token {name}", { name: token.name })),
      form(fields(token), t("Save"), async (values) => {
        await api.tokens.updateToken({
          token: { ...tokenFrom(values, groupId), id: token.id },
          updateMask: { paths: EDITABLE },
        });
        editor.replaceChildren();
        showNotice(t("token {name} saved", { name: values.name }));
        await refresh();
      }, "token-form"),
    );
  }

  async function deleteSelected(): Promise<void> {
    const ids = [...listing.element.querySelectorAll<HTMLInputElement>("input[data-token-id]:checked")]
      .map((box) => BigInt(box.dataset.tokenId ?? "0"));
    if (ids.length === 0) {
      showNotice(t("no tokens selected"));
      return;
    }
    if (!window.confirm(t("Delete {count} tokens?", { count: ids.length }))) return;
    const { deleted } = await api.tokens.batchDeleteTokens({ ids });
    showNotice(t("{count} tokens deleted", { count: deleted }));
    await refresh();
  }

  async function refresh(): Promise<void> {
    await listing.reload();
  }

  await refresh();
}
