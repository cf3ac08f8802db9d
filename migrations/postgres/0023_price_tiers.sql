-- Conditional prices of a model config (long-context and service tiers) as one JSON array of
-- `PriceTier` objects; NULL when it has none. A group override's price is already a JSON
-- document and carries its tiers inside it.
ALTER TABLE model_configs ADD COLUMN price_tiers TEXT;

-- What a request-log row was charged at: `price_tier` the label of the price tier that applied
-- (NULL: the base price), `charge_detail` the charge line by line as compact JSON
-- ({"input_tokens": {"units": 1200, "price": "2.5", "amount": "0.003"}, ..., "unit": 1000000}),
-- NULL when nothing was charged. Rows written before stay NULL.
ALTER TABLE request_logs ADD COLUMN price_tier TEXT;
ALTER TABLE request_logs ADD COLUMN charge_detail TEXT;
