// Groups: list (paged, searched by id, filtered by status), create, edit (status, ratios, sets,
// balance and alert, concurrency), delete.
import { api } from "../api";
import { Status, statusFilterOptions, statusName, statusOptions } from "../common";
import { button, form, h, list, optionalBigint, showNotice, table, type Field, type Values } from "../dom";
import type { Group } from "../gen/aiproxy/admin/v1/groups_pb";
import { pager } from "../paging";

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
    ...(group ? [] : [{ kind: "text", name: "id", label: "Id", required: true } as Field]),
    { kind: "select", name: "status", label: "Status", options: statusOptions(true), value: String(group?.status ?? Status.ENABLED) },
    { kind: "number", name: "rpm_ratio", label: "RPM ratio", value: String(group?.rpmRatio ?? 1) },
    { kind: "number", name: "tpm_ratio", label: "TPM ratio", value: String(group?.tpmRatio ?? 1) },
    { kind: "text", name: "available_sets", label: "Channel sets", value: group?.availableSets.join(", ") ?? "", hint: "empty: the default set" },
    { kind: "text", name: "balance", label: "Balance", value: group?.balance ?? "" },
    { kind: "text", name: "balance_alert_threshold", label: "Balance alert threshold", value: group?.balanceAlertThreshold ?? "" },
    { kind: "checkbox", name: "balance_alert_enabled", label: "Balance alert enabled", checked: group?.balanceAlertEnabled ?? false },
    { kind: "number", name: "max_concurrency", label: "Max concurrency", value: group?.maxConcurrency?.toString() ?? "", hint: "empty: unlimited" },
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
        ["Id", "Status", "RPM/TPM ratio", "Sets", "Balance", "Max concurrency", "Created", ""],
        response.groups.map((group) => [
          group.id,
          statusName[group.status],
          `${group.rpmRatio} / ${group.tpmRatio}`,
          group.availableSets.join(", "),
          group.balance,
          group.maxConcurrency?.toString() ?? "",
          new Date(Number(group.createdAtMs)).toISOString().slice(0, 10),
          h(
            "span",
            { class: "actions" },
            h("a", { href: `#/tokens?group=${encodeURIComponent(group.id)}` }, "tokens"),
            button("Edit", () => edit(group)),
            button("Delete", async () => {
              if (!window.confirm(`Delete group ${group.id} with its tokens?`)) return;
              await api.groups.deleteGroup({ id: group.id });
              showNotice(`group ${group.id} deleted`);
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
    button("New group", () => {
      editor.replaceChildren(
        h("h3", {}, "New group"),
        form(fields(), "Create", async (values) => {
          const group = await api.groups.createGroup({ group: groupFrom(values, values.id) });
          editor.replaceChildren();
          showNotice(`group ${group.id} created`);
          await refresh();
        }, "group-form"),
      );
    }, "new-group"),
    editor,
    form(
      [
        { kind: "text", name: "keyword", label: "Search", hint: "part of the id" },
        { kind: "select", name: "status", label: "Status", options: statusFilterOptions(true) },
      ],
      "Search",
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
      h("h3", {}, `Edit group ${group.id}`),
      form(fields(group), "Save", async (values) => {
        await api.groups.updateGroup({
          group: groupFrom(values, group.id),
          updateMask: { paths: EDITABLE },
        });
        editor.replaceChildren();
        showNotice(`group ${group.id} saved`);
        await refresh();
      }, "group-form"),
    );
  }

  await refresh();
}
