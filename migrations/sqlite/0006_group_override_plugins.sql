-- Per-group plugin settings: a JSON object laid over the model's `model_configs.plugins`, field
-- by field per plugin name (relay::plugin::merge). NULL means the model's plugins as they are.
ALTER TABLE group_model_overrides ADD COLUMN plugins TEXT;
