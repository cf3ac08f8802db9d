// Models: model configs (type, limits, prices, plugins) listed (paged, searched, filtered by
// type), created, edited and deleted;
// the served models (what enabled channels offer), flagged when they have no config; and the
// per-group overrides of limits and prices.
import { api } from "../api";
import { button, form, h, optionalBigint, optionalString, showNotice, table, type Field, type Values } from "../dom";
import { ModelType, type GroupModelOverride, type ModelConfig } from "../gen/aiproxy/admin/v1/models_pb";
import { pager } from "../paging";

const EDITABLE = ["type", "owner", "rpm", "tpm", "retry_times", "timeouts", "price", "plugins_json", "config_json", "max_output_tokens"];

const typeOptions: [string, string][] = [
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

function fields(config?: ModelConfig, model?: string): Field[] {
  return [
    ...(config ? [] : [{ kind: "text", name: "model", label: "Model", value: model ?? "", required: true } as Field]),
    { kind: "select", name: "type", label: "Type", options: typeOptions, value: String(config?.type ?? ModelType.CHAT) },
    { kind: "text", name: "owner", label: "Owner", value: config?.owner ?? "" },
    { kind: "number", name: "rpm", label: "RPM per group", value: config?.rpm.toString() ?? "0", hint: "0: unlimited" },
    { kind: "number", name: "tpm", label: "TPM per group", value: config?.tpm.toString() ?? "0", hint: "0: unlimited" },
    { kind: "number", name: "retry_times", label: "Retry times", value: config?.retryTimes?.toString() ?? "" },
    { kind: "number", name: "max_output_tokens", label: "Max output tokens", value: config?.maxOutputTokens?.toString() ?? "" },
    ...priceFields.map(([name, label]): Field => ({ kind: "text", name, label, value: config?.price?.[name] ?? "" })),
    { kind: "number", name: "unit", label: "Tokens per price unit", value: config?.price?.unit.toString() ?? "0", hint: "0: 1,000,000" },
    { kind: "number", name: "connect_ms", label: "Connect timeout (ms)", value: config?.timeouts?.connectMs?.toString() ?? "" },
    { kind: "number", name: "first_byte_ms", label: "First byte timeout (ms)", value: config?.timeouts?.firstByteMs?.toString() ?? "" },
    { kind: "number", name: "stream_idle_ms", label: "Stream idle timeout (ms)", value: config?.timeouts?.streamIdleMs?.toString() ?? "" },
    { kind: "textarea", name: "plugins_json", label: "Plugins (JSON)", value: config?.pluginsJson ?? "" },
    { kind: "textarea", name: "config_json", label: "Config (JSON)", value: config?.configJson ?? "" },
  ];
}

function configFrom(values: Values, model: string) {
  const price: Record<string, string | bigint | undefined> = { unit: BigInt(values.unit || "0") };
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
    pluginsJson: values.plugins_json,
    configJson: values.config_json,
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
    button("New model config", () => create()),
    editor,
    form(
      [
        { kind: "text", name: "keyword", label: "Search", hint: "part of the model name or owner" },
        { kind: "select", name: "type", label: "Type", options: [[String(ModelType.UNSPECIFIED), "any type"], ...typeOptions] },
      ],
      "Search",
      async (values) => {
        filter.keyword = values.keyword;
        filter.type = Number(values.type) as ModelType;
        await listing.reload(true);
      },
      "models-search",
    ),
    listing.element,
    h("h3", {}, "Served models"),
    served,
    h("h3", {}, "Group overrides"),
    form(
      [
        { kind: "text", name: "group", label: "Group", required: true },
        { kind: "text", name: "model", label: "Model", required: true },
        { kind: "number", name: "rpm", label: "RPM", hint: "empty: the model's" },
        { kind: "number", name: "tpm", label: "TPM", hint: "empty: the model's" },
        { kind: "text", name: "input", label: "Input price", hint: "both prices empty: the model's price" },
        { kind: "text", name: "output", label: "Output price" },
        { kind: "checkbox", name: "save_detail", label: "Keep request and response bodies" },
      ],
      "Put override",
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
        showNotice(`override of ${values.model} for ${values.group} saved`);
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
      override.price ? `${override.price.input ?? "0"} / ${override.price.output ?? "0"}` : "model's",
      override.saveDetail ? "yes" : "no",
      button("Delete", async () => {
        if (!window.confirm(`Delete the override of ${override.model} for ${override.groupId}?`)) return;
        await api.models.deleteGroupModelOverride({ groupId: override.groupId, model: override.model });
        showNotice(`override of ${override.model} for ${override.groupId} deleted`);
        await refresh();
      }),
    ];
  }

  function create(model?: string): void {
    editor.replaceChildren(
      h("h3", {}, "New model config"),
      form(fields(undefined, model), "Create", async (values) => {
        await api.models.createModelConfig({ modelConfig: configFrom(values, values.model) });
        editor.replaceChildren();
        showNotice(`model ${values.model} configured`);
        await refresh();
      }, "model-form"),
    );
  }

  function edit(config: ModelConfig): void {
    editor.replaceChildren(
      h("h3", {}, `Edit ${config.model}`),
      form(fields(config), "Save", async (values) => {
        await api.models.updateModelConfig({ modelConfig: configFrom(values, config.model), updateMask: { paths: EDITABLE } });
        editor.replaceChildren();
        showNotice(`model ${config.model} saved`);
        await refresh();
      }, "model-form"),
    );
  }

  function configTable(configs: ModelConfig[]): HTMLTableElement {
    return table(
      ["Model", "Type", "Owner", "RPM", "TPM", "Input", "Output", "Cached input", "Unit", ""],
      configs.map((config) => [
        config.model,
        typeOptions.find(([value]) => value === String(config.type))?.[1] ?? "",
        config.owner,
        config.rpm,
        config.tpm,
        config.price?.input ?? "",
        config.price?.output ?? "",
        config.price?.cachedInput ?? "",
        config.price?.unit ? config.price.unit : "1000000",
        h(
          "span",
          { class: "actions" },
          button("Edit", () => edit(config)),
          button("Delete", async () => {
            if (!window.confirm(`Delete the config of ${config.model}?`)) return;
            await api.models.deleteModelConfig({ model: config.model });
            showNotice(`model ${config.model} config deleted`);
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
        ["Group", "Model", "RPM", "TPM", "Price in / out", "Bodies kept", ""],
        groupOverrides.overrides.map(overrideRow),
        "overrides-table",
      ),
    );
    served.replaceChildren(
      table(
        ["Model", "Configured", "Channels", ""],
        servedModels.models.map((model) => [
          model.model,
          model.configured ? "yes" : "no (free, unlimited)",
          model.channels.join(", "),
          model.configured ? null : button("Configure", () => create(model.model)),
        ]),
        "served-table",
      ),
    );
  }

  await refresh();
}
