-- Shown key prefixes were the first 8 characters, all of an 8-character key. New ones show at
-- most 8 and never more than a quarter of the key; the length of a stored key is unknown (only
-- its hash is kept), so stored prefixes keep 2, a quarter of the shortest key once accepted.
UPDATE tokens SET key_prefix = substr(key_prefix, 1, 2) WHERE length(key_prefix) > 2;
