// Options: the global key/value settings, listed, set one by one, added and deleted.
import { api } from "../api";
import { button, form, h, showNotice, table } from "../dom";
import { t } from "../i18n";

export async function optionsPage(root: HTMLElement): Promise<void> {
  const listing = h("div");
  root.append(
    h("h3", {}, t("Set an option")),
    form(
      [
        { kind: "text", name: "key", label: t("Key|option"), required: true },
        { kind: "text", name: "value", label: t("Value") },
      ],
      t("Set"),
      async (values) => {
        await api.options.setOption({ option: { key: values.key, value: values.value } });
        showNotice(t("option {key} set", { key: values.key }));
        await refresh();
      },
      "option-form",
    ),
    listing,
  );

  async function refresh(): Promise<void> {
    const { options } = await api.options.listOptions({});
    listing.replaceChildren(
      table(
        [t("Key|option"), t("Value"), ""],
        options.map((option) => {
          const input = h("input", { type: "text", name: `value-${option.key}`, value: option.value, "aria-label": t("value of {key}", { key: option.key }) });
          return [
            option.key,
            input,
            h(
              "span",
              { class: "actions" },
              button(t("Save"), async () => {
                await api.options.setOption({ option: { key: option.key, value: input.value } });
                showNotice(t("option {key} set", { key: option.key }));
                await refresh();
              }),
              button(t("Delete"), async () => {
                if (!window.confirm(t("Delete option {key}?", { key: option.key }))) return;
                await api.options.deleteOption({ key: option.key });
                showNotice(t("option {key} deleted", { key: option.key }));
                await refresh();
              }),
            ),
          ];
        }),
        "options-table",
      ),
    );
  }

  await refresh();
}
