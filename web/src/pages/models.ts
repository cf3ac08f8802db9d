// Models: model configs (type, limits, prices, plugins) listed (paged, searched, filtered by
// type), created, edited and deleted;
// the served models (what enabled channels offer), flagged when they have no config; and the
// per-group overrides of limits and prices.
import { api } from "../api";
import { button, form, h, optionalBigint, optionalString, showNotice, table, type Field, type Values } from "../dom";
import { ModelType, type GroupModelOverride, type ModelConfig } from "../gen/aiproxy/admin/v1/models_pb";
import { decimal, num, t, type Message } from "../i18n";
import { pager } from "../paging";
import { yesNo } from "../common";
import { mediaEditor, pluginEditor, tierEditor } from "./modelForms";

const EDITABLE = ["type", "owner", "rpm", "tpm", "retry_times", "timeouts", "price", "plugins_json", "config_json", "max_output_tokens"];

const typeNames: [string, Message][] = [
  [String(ModelType.CHAT), "chat"],
  [String(ModelType.COMPLETION), "completion"],
  [String(ModelType.EMBEDDING), "embedding"],
  [String(ModelType.IMAGE), "image"],
  [String(ModelType.AUDIO), "audio"],
  [String(ModelType.RERANK), "rerank"],
  [String(ModelType.MODERATION), "moderation"],
  [String(ModelType.VIDEO), "video"],
  [String(ModelType.DOCUMENT), "document"],
];

const typeOptions = (): [string, string][] => typeNames.map(([value, name]) => [value, t(name)]);

// Price fields: form name, label, message field.
const priceFields = [
  ["input", "Input price"],
  ["output", "Output price"],
  ["cachedInput", "Cached input price"],
  ["cacheCreation", "Cache creation price"],
  ["reasoningOutput", "Reasoning output price"],
  ["imageInput", "Image input price"],
  ["imageOutput", "Image output price"],
  ["audioInput", "Audio input price"],
  ["audioOutput", "Audio output price"],
  ["perRequest", "Price per request"],
  ["webSearchPerCall", "Price per web search"],
] as const;

// The plugin and tier editors of the form on show, read when it is submitted.
type Parts = { plugins: ReturnType<typeof pluginEditor>; tiers: ReturnType<typeof tierEditor>; media: ReturnType<typeof mediaEditor> };

function fields(parts: Parts, config?: ModelConfig, model?: string): Field[] {
  return [
    ...(config ? [] : [{ kind: "text", name: "model", label: t("Model"), value: model ?? "", required: true } as Field]),
    { kind: "select", name: "type", label: t("Type"), options: typeOptions(), value: String(config?.type ?? ModelType.CHAT) },
    { kind: "text", name: "owner", label: t("Owner"), value: config?.owner ?? "" },
    { kind: "number", name: "rpm", label: t("RPM per group"), value: config?.rpm.toString() ?? "0", hint: t("0: unlimited") },
    { kind: "number", name: "tpm", label: t("TPM per group"), value: config?.tpm.toString() ?? "0", hint: t("0: unlimited") },
    { kind: "number", name: "retry_times", label: t("Retry times"), value: config?.retryTimes?.toString() ?? "" },
    { kind: "number", name: "max_output_tokens", label: t("Max output tokens"), value: config?.maxOutputTokens?.toString() ?? "" },
    ...priceFields.map(([name, label]): Field => ({ kind: "text", name, label: t(label), value: config?.price?.[name] ?? "" })),
    { kind: "number", name: "unit", label: t("Tokens per price unit"), value: config?.price?.unit.toString() ?? "0", hint: t("0: 1,000,000") },
    { kind: "slot", element: parts.tiers.element },
    { kind: "number", name: "connect_ms", label: t("Connect timeout (ms)"), value: config?.timeouts?.connectMs?.toString() ?? "" },
    { kind: "number", name: "first_byte_ms", label: t("First byte timeout (ms)"), value: config?.timeouts?.firstByteMs?.toString() ?? "" },
    { kind: "number", name: "stream_idle_ms", label: t("Stream idle timeout (ms)"), value: config?.timeouts?.streamIdleMs?.toString() ?? "" },
    { kind: "slot", element: parts.plugins.element },
    { kind: "slot", element: parts.media.element },
    { kind: "textarea", name: "config_json", label: t("Config (JSON)"), value: parts.media.text },
  ];
}

/// A form's editors; stored plugins or config that are not a JSON object come back as an error.
function partsOf(config?: ModelConfig): Parts {
  const tierPrices = priceFields.filter(([name]) => name !== "perRequest" && name !== "webSearchPerCall").map(([name, label]): [string, string] => [name, t(label)]);
  return {
    plugins: pluginEditor(config?.pluginsJson ?? ""),
    tiers: tierEditor(config?.price?.tiers ?? [], tierPrices),
    media: mediaEditor(config?.configJson ?? ""),
  };
}

function configFrom(values: Values, model: string, parts: Parts) {
  const price: Record<string, unknown> = { unit: BigInt(values.unit || "0"), tiers: parts.tiers.read() };
  for (const [name] of priceFields) price[name] = optionalString(values[name]);
  return {
    model,
    type: Number(values.type) as ModelType,
    owner: values.owner,
    rpm: BigInt(values.rpm || "0"),
    tpm: BigInt(values.tpm || "0"),
    retryTimes: optionalBigint(values.retry_times),
    maxOutputTokens: optionalBigint(values.max_output_tokens),
    price,
    timeouts: {
      connectMs: optionalBigint(values.connect_ms),
      firstByteMs: optionalBigint(values.first_byte_ms),
      streamIdleMs: optionalBigint(values.stream_idle_ms),
    },
    pluginsJson: parts.plugins.read(),
    configJson: parts.media.read(values.config_json),
  };
}

export async function modelsPage(root: HTMLElement): Promise<void> {
  const editor = h("div", { class: "editor" });
  const filter = { keyword: "", type: ModelType.UNSPECIFIED };
  const listing = pager(
    "models-pager",
    (pageSize, pageToken) => api.models.listModelConfigs({ pageSize, pageToken, ...filter }),
    (response) => [configTable(response.modelConfigs)],
    (response) => response.modelConfigs.length,
  );
  const served = h("div");
  const overrides = h("div");
  root.append(
    button(t("New model config"), () => create()),
    editor,
    form(
      [
        { kind: "text", name: "keyword", label: t("Search"), hint: t("part of the model name or owner") },
        { kind: "select", name: "type", label: t("Type"), options: [[String(ModelType.UNSPECIFIED), t("any type")], ...typeOptions()] },
      ],
      t("Search"),
      async (values) => {
        filter.keyword = values.keyword;
        filter.type = Number(values.type) as ModelType;
        await listing.reload(true);
      },
      "models-search",
    ),
    listing.element,
    h("h3", {}, t("Served models")),
    served,
    h("h3", {}, t("Group overrides")),
    form(
      [
        { kind: "text", name: "group", label: t("Group"), required: true },
        { kind: "text", name: "model", label: t("Model"), required: true },
        { kind: "number", name: "rpm", label: t("RPM"), hint: t("empty: the model's") },
        { kind: "number", name: "tpm", label: t("TPM"), hint: t("empty: the model's") },
        { kind: "text", name: "input", label: t("Input price"), hint: t("both prices empty: the model's price") },
        { kind: "text", name: "output", label: t("Output price") },
        { kind: "checkbox", name: "save_detail", label: t("Keep request and response bodies") },
      ],
      t("Put override"),
      async (values) => {
        const priced = values.input !== "" || values.output !== "";
        await api.models.putGroupModelOverride({
          override: {
            groupId: values.group,
            model: values.model,
            rpm: optionalBigint(values.rpm),
            tpm: optionalBigint(values.tpm),
            price: priced ? { input: optionalString(values.input), output: optionalString(values.output) } : undefined,
            saveDetail: values.checked.save_detail,
          },
        });
        showNotice(t("override of {model} for {group} saved", { model: values.model, group: values.group }));
        await refresh();
      },
      "override-form",
    ),
    overrides,
  );

  function overrideRow(override: GroupModelOverride) {
    return [
      override.groupId,
      override.model,
      override.rpm?.toString() ?? "",
      override.tpm?.toString() ?? "",
      override.price ? `${decimal(override.price.input ?? "0")} / ${decimal(override.price.output ?? "0")}` : t("model's"),
      yesNo(override.saveDetail),
      button(t("Delete"), async () => {
        if (!window.confirm(t("Delete the override of {model} for {group}?", { model: override.model, group: override.groupId }))) return;
        await api.models.deleteGroupModelOverride({ groupId: override.groupId, model: override.model });
        showNotice(t("override of {model} for {group} deleted", { model: override.model, group: override.groupId }));
        await refresh();
      }),
    ];
  }

  function create(model?: string): void {
    const parts = partsOf();
    editor.replaceChildren(
      h("h3", {}, t("New model config")),
      form(fields(parts, undefined, model), t("Create"), async (values) => {
        await api.models.createModelConfig({ modelConfig: configFrom(values, values.model, parts) });
        editor.replaceChildren();
        showNotice(t("model {model} configured", { model: values.model }));
        await refresh();
      }, "model-form"),
    );
  }

  function edit(config: ModelConfig): void {
    const parts = partsOf(config);
    editor.replaceChildren(
      h("h3", {}, t("Edit {model}", { model: config.model })),
      form(fields(parts, config), t("Save"), async (values) => {
        await api.models.updateModelConfig({ modelConfig: configFrom(values, config.model, parts), updateMask: { paths: EDITABLE } });
        editor.replaceChildren();
        showNotice(t("model {model} saved", { model: config.model }));
        await refresh();
      }, "model-form"),
    );
  }

  function configTable(configs: ModelConfig[]): HTMLTableElement {
    return table(
      [t("Model"), t("Type"), t("Owner"), t("RPM"), t("TPM"), t("Input"), t("Output"), t("Cached input"), t("Unit"), ""],
      configs.map((config) => [
        config.model,
        typeOptions().find(([value]) => value === String(config.type))?.[1] ?? "",
        config.owner,
        num(config.rpm),
        num(config.tpm),
        decimal(config.price?.input ?? ""),
        decimal(config.price?.output ?? ""),
        decimal(config.price?.cachedInput ?? ""),
        num(config.price?.unit ? config.price.unit : 1_000_000),
        h(
          "span",
          { class: "actions" },
          button(t("Edit"), () => edit(config), `edit-model-${config.model}`),
          button(t("Delete"), async () => {
            if (!window.confirm(t("Delete the config of {model}?", { model: config.model }))) return;
            await api.models.deleteModelConfig({ model: config.model });
            showNotice(t("model {model} config deleted", { model: config.model }));
            await refresh();
          }),
        ),
      ]),
      "models-table",
    );
  }

  async function refresh(): Promise<void> {
    const [servedModels, groupOverrides] = await Promise.all([
      api.models.listServedModels({}),
      api.models.listGroupModelOverrides({}),
      listing.reload(),
    ]);
    overrides.replaceChildren(
      table(
        [t("Group"), t("Model"), t("RPM"), t("TPM"), t("Price in / out"), t("Bodies kept"), ""],
        groupOverrides.overrides.map(overrideRow),
        "overrides-table",
      ),
    );
    served.replaceChildren(
      table(
        [t("Model"), t("Configured"), t("Channels"), ""],
        servedModels.models.map((model) => [
          model.model,
          model.configured ? t("yes") : t("no (free, unlimited)"),
          model.channels.join(", "),
          model.configured ? null : button(t("Configure"), () => create(model.model)),
        ]),
        "served-table",
      ),
    );
  }

  await refresh();
}
