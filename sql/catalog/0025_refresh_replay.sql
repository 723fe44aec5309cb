-- 0025_refresh_replay: a refresh whose answer was lost (a weak mobile network) is
-- sent again with the same token. Within `refresh_replay_s` of its rotation, while
-- its successor is still unused, it gets that same successor back instead of
-- revoking the family (daftar.refresh_rotate). The successor is kept sealed
-- (AES-256-GCM) under a key derived from the used token itself, which the
-- catalog never holds (only its SHA-256, from which the key does not follow):
-- someone who reads this table cannot take a session over.
ALTER TABLE daftar.refresh_tokens ADD COLUMN successor_hash text, ADD COLUMN successor_sealed text;
GRANT UPDATE (successor_hash, successor_sealed) ON daftar.refresh_tokens TO daftar_api;
