// Admin keys: created with a role and optional groups (the key shown once), listed with the
// start of each key only, revoked. Only an admin key without groups reaches this page's RPCs.
import { api } from "../api";
import { button, form, h, list, showNotice, table, time } from "../dom";
import { AdminRole } from "../gen/aiproxy/admin/v1/access_pb";

const roleOptions: [string, string][] = [
  [String(AdminRole.VIEWER), "viewer: reads only"],
  [String(AdminRole.OPERATOR), "operator: everything but admin keys and options"],
  [String(AdminRole.ADMIN), "admin: everything"],
];

export const roleName: Record<number, string> = {
  [AdminRole.UNSPECIFIED]: "",
  [AdminRole.ADMIN]: "admin",
  [AdminRole.OPERATOR]: "operator",
  [AdminRole.VIEWER]: "viewer",
};

export async function adminKeysPage(root: HTMLElement): Promise<void> {
  const created = h("div", { class: "created" });
  const listing = h("div");
  root.append(
    h("h3", {}, "New admin key"),
    form(
      [
        { kind: "text", name: "name", label: "Name", required: true, hint: "what audit events call it" },
        { kind: "select", name: "role", label: "Role", options: roleOptions, value: String(AdminRole.VIEWER) },
        { kind: "text", name: "groups", label: "Groups", hint: "comma-separated; empty: every group and everything global" },
      ],
      "Create",
      async (values) => {
        const response = await api.access.createAdminKey({
          name: values.name,
          role: Number(values.role) as AdminRole,
          groups: list(values.groups),
        });
        created.replaceChildren(
          h("p", {}, `Admin key ${response.adminKey?.name ?? ""} created. Copy it now: it cannot be shown again.`),
          h("code", { "data-testid": "new-admin-key" }, response.key),
        );
        showNotice("admin key created");
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
        ["Id", "Name", "Key", "Role", "Groups", "Created", "Revoked", ""],
        adminKeys.map((key) => [
          key.id,
          key.name,
          `${key.keyPrefix}…`,
          roleName[key.role],
          key.groups.length === 0 ? "all" : key.groups.join(", "),
          time(key.createdAtMs),
          time(key.revokedAtMs),
          key.revokedAtMs === undefined
            ? button("Revoke", async () => {
                if (!window.confirm(`Revoke admin key ${key.name}? It stops working on every replica.`)) return;
                await api.access.revokeAdminKey({ id: key.id });
                showNotice(`admin key ${key.name} revoked`);
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
