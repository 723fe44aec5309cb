-- revocations_load: officers some of whose tokens are refused: every token
-- of a suspended officer, and tokens of an older generation (password change
-- or reset, membership change); a change stops mattering once every token of
-- the older generation has expired.
SELECT coalesce(json_agg(json_build_object(
           'uid', uid, 'gen', CASE WHEN status <> 'active' THEN 2147483647 ELSE token_generation END)), '[]'::json)
FROM daftar.officers
WHERE status <> 'active' OR generation_changed_at > now() - interval '20 minutes'
