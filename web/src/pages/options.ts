// Options: the global key/value settings, listed, set one by one, added and deleted.
import { api } from "../api";
import { button, form, h, showNotice, table } from "../dom";

export async function optionsPage(root: HTMLElement): Promise<void> {
  const listing = h("div");
  root.append(
    h("h3", {}, "Set an option"),
    form(
      [
        { kind: "text", name: "key", label: "Key", required: true },
        { kind: "text", name: "value", label: "Value" },
      ],
      "Set",
      async (values) => {
        await api.options.setOption({ option: { key: values.key, value: values.value } });
        showNotice(`option ${values.key} set`);
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
        ["Key", "Value", ""],
        options.map((option) => {
          const input = h("input", { type: "text", name: `value-${option.key}`, value: option.value });
          return [
            option.key,
            input,
            h(
              "span",
              { class: "actions" },
              button("Save", async () => {
                await api.options.setOption({ option: { key: option.key, value: input.value } });
                showNotice(`option ${option.key} set`);
                await refresh();
              }),
              button("Delete", async () => {
                if (!window.confirm(`Delete option ${option.key}?`)) return;
                await api.options.deleteOption({ key: option.key });
                showNotice(`option ${option.key} deleted`);
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
