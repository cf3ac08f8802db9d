// Groups: list (paged, searched by id, filtered by status), create, edit (status, ratios, sets,
// balance and alert, concurrency), delete.
import { api } from "../api";
import { Status, statusFilterOptions, statusName, statusOptions } from "../common";
import { button, form, h, list, optionalBigint, showNotice, table, type Field, type Values } from "../dom";
import type { Group } from "../gen/aiproxy/admin/v1/groups_pb";
import { decimal, t } from "../i18n";
import { pager } from "../paging";
import { formatDate } from "../prefs";

const EDITABLE = [
  "status",
  "rpm_ratio",
  "tpm_ratio",
  "available_sets",
  "balance",
  "balance_alert_threshold",
  "balance_alert_enabled",
  "max_concurrency",
];

function fields(group?: Group): Field[] {
  return [
    ...(group ? [] : [{ kind: "text", name: "id", label: t("Id"), required: true } as Field]),
    { kind: "select", name: "status", label: t("Status"), options: statusOptions(true), value: String(group?.status ?? Status.ENABLED) },
    { kind: "number", name: "rpm_ratio", label: t("RPM ratio"), value: String(group?.rpmRatio ?? 1) },
    { kind: "number", name: "tpm_ratio", label: t("TPM ratio"), value: String(group?.tpmRatio ?? 1) },
    { kind: "text", name: "available_sets", label: t("Channel sets"), value: group?.availableSets.join(", ") ?? "", hint: t("empty: the default set") },
    { kind: "text", name: "balance", label: t("Balance"), value: group?.balance ?? "" },
    { kind: "text", name: "balance_alert_threshold", label: t("Balance alert threshold"), value: group?.balanceAlertThreshold ?? "" },
    { kind: "checkbox", name: "balance_alert_enabled", label: t("Balance alert enabled"), checked: group?.balanceAlertEnabled ?? false },
    { kind: "number", name: "max_concurrency", label: t("Max concurrency"), value: group?.maxConcurrency?.toString() ?? "", hint: t("empty: unlimited") },
  ];
}

function groupFrom(values: Values, id: string) {
  return {
    id,
    status: Number(values.status) as Status,
    rpmRatio: Number(values.rpm_ratio || "0"),
    tpmRatio: Number(values.tpm_ratio || "0"),
    availableSets: list(values.available_sets),
    balance: values.balance,
    balanceAlertThreshold: values.balance_alert_threshold,
    balanceAlertEnabled: values.checked.balance_alert_enabled,
    maxConcurrency: optionalBigint(values.max_concurrency),
  };
}

export async function groupsPage(root: HTMLElement): Promise<void> {
  const editor = h("div", { class: "editor" });
  const filter = { keyword: "", status: Status.UNSPECIFIED };
  const listing = pager(
    "groups-pager",
    (pageSize, pageToken) => api.groups.listGroups({ pageSize, pageToken, ...filter }),
    (response) => [
      table(
        [t("Id"), t("Status"), t("RPM/TPM ratio"), t("Sets"), t("Balance"), t("Max concurrency"), t("Created"), ""],
        response.groups.map((group) => [
          h("a", { href: `#/group?id=${encodeURIComponent(group.id)}`, "data-testid": "group-link" }, group.id),
          statusName(group.status),
          `${group.rpmRatio} / ${group.tpmRatio}`,
          group.availableSets.join(", "),
          decimal(group.balance),
          group.maxConcurrency?.toString() ?? "",
          formatDate(group.createdAtMs),
          h(
            "span",
            { class: "actions" },
            h("a", { href: `#/tokens?group=${encodeURIComponent(group.id)}` }, t("tokens")),
            button(t("Edit"), () => edit(group)),
            button(t("Delete"), async () => {
              if (!window.confirm(t("Delete group {id} with its tokens?", { id: group.id }))) return;
              await api.groups.deleteGroup({ id: group.id });
              showNotice(t("group {id} deleted", { id: group.id }));
              await refresh();
            }),
          ),
        ]),
        "groups-table",
      ),
    ],
    (response) => response.groups.length,
  );
  root.append(
    button(t("New group"), () => {
      editor.replaceChildren(
        h("h3", {}, t("New group")),
        form(fields(), t("Create"), async (values) => {
          const group = await api.groups.createGroup({ group: groupFrom(values, values.id) });
          editor.replaceChildren();
          showNotice(t("group {id} created", { id: group.id }));
          await refresh();
        }, "group-form"),
      );
    }, "new-group"),
    editor,
    form(
      [
        { kind: "text", name: "keyword", label: t("Search"), hint: t("part of the id") },
        { kind: "select", name: "status", label: t("Status"), options: statusFilterOptions(true) },
      ],
      t("Search"),
      async (values) => {
        filter.keyword = values.keyword;
        filter.status = Number(values.status) as Status;
        await listing.reload(true);
      },
      "groups-search",
    ),
    listing.element,
  );

  async function refresh(): Promise<void> {
    await listing.reload();
  }

  function edit(group: Group): void {
    editor.replaceChildren(
      h("h3", {}, t("Edit group {id}", { id: group.id })),
      form(fields(group), t("Save"), async (values) => {
        await api.groups.updateGroup({
          group: groupFrom(values, group.id),
          updateMask: { paths: EDITABLE },
        });
        editor.replaceChildren();
        showNotice(t("group {id} saved", { id: group.id }));
        await refresh();
      }, "group-form"),
    );
  }

  await refresh();
}
