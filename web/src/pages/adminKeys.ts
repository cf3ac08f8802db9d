// Admin keys: created with a role and optional groups (the key shown once), listed with the
// start of each key only, revoked. Only an admin key without groups reaches this page's RPCs.
import { api } from "../api";
import { button, form, h, list, showNotice, table, time } from "../dom";
import { AdminRole } from "../gen/aiproxy/admin/v1/access_pb";
import { t, type Message } from "../i18n";

const roleOptions = (): [string, string][] => [
  [String(AdminRole.VIEWER), t("viewer: reads only")],
  [String(AdminRole.OPERATOR), t("operator: everything but admin keys and options")],
  [String(AdminRole.ADMIN), t("admin: everything")],
];

const roleNames: Record<number, Message> = {
  [AdminRole.UNSPECIFIED]: "unspecified",
  [AdminRole.ADMIN]: "admin",
  [AdminRole.OPERATOR]: "operator",
  [AdminRole.VIEWER]: "viewer",
};

export function roleName(role: AdminRole): string {
  return t(roleNames[role] ?? "unspecified");
}

export async function adminKeysPage(root: HTMLElement): Promise<void> {
  const created = h("div", { class: "created" });
  const listing = h("div");
  root.append(
    h("h3", {}, t("New admin key")),
    form(
      [
        { kind: "text", name: "name", label: t("Name"), required: true, hint: t("what audit events call it") },
        { kind: "select", name: "role", label: t("Role"), options: roleOptions(), value: String(AdminRole.VIEWER) },
        { kind: "text", name: "groups", label: t("Groups"), hint: t("comma-separated; empty: every group and everything global") },
      ],
      t("Create"),
      async (values) => {
        const response = await api.access.createAdminKey({
          name: values.name,
          role: Number(values.role) as AdminRole,
          groups: list(values.groups),
        });
        created.replaceChildren(
          h("p", {}, t("Admin key {name} created. Copy it now: it cannot be shown again.", { name: response.adminKey?.name ?? "" })),
          h("code", { "data-testid": "new-admin-key" }, response.key),
        );
        showNotice(t("admin key created"));
        await refresh();
      },
      "admin-key-form",
    ),
    created,
    listing,
  );

  async function refresh(): Promise<void> {
    const { adminKeys } = await api.access.listAdminKeys({});
    listing.replaceChildren(
      table(
        [t("Id"), t("Name"), t("Key"), t("Role"), t("Groups"), t("Created"), t("Revoked"), ""],
        adminKeys.map((key) => [
          key.id,
          key.name,
          `${key.keyPrefix}…`,
          roleName(key.role),
          key.groups.length === 0 ? t("all") : key.groups.join(", "),
          time(key.createdAtMs),
          time(key.revokedAtMs),
          key.revokedAtMs === undefined
            ? button(t("Revoke"), async () => {
                if (!window.confirm(t("Revoke admin key {name}? It stops working on every replica.", { name: key.name }))) return;
                await api.access.revokeAdminKey({ id: key.id });
                showNotice(t("admin key {name} revoked", { name: key.name }));
                await refresh();
              })
            : "",
        ]),
        "admin-keys-table",
      ),
    );
  }

  await refresh();
}
