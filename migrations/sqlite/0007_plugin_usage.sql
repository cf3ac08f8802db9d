-- What the relay's plugins did for a request, kept with its log row: the searches the web search
-- plugin made (each billed at the model's web_search_price_per_call) and whether the response
-- cache answered (1) or not (0), billed per the cache plugin's `billing`.
ALTER TABLE request_logs ADD COLUMN web_search_calls BIGINT NOT NULL DEFAULT 0;
ALTER TABLE request_logs ADD COLUMN cache_hit BIGINT NOT NULL DEFAULT 0;
-- model_configs.web_search_price_per_call: money per search (TEXT decimal like the other prices;
-- NULL is free). Group overrides keep theirs inside their JSON `price`.
ALTER TABLE model_configs ADD COLUMN web_search_price_per_call TEXT;
