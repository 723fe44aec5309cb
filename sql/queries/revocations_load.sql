-- revocations_load: principals some of whose tokens are refused: every token
-- of a suspended officer or service account, and tokens of an older
-- generation (password change or reset, membership change); a change stops
-- mattering once every token of the older generation has expired.
SELECT coalesce(json_agg(r), '[]'::json)
FROM (SELECT uid, CASE WHEN status <> 'active' THEN 2147483647 ELSE token_generation END AS gen
      FROM daftar.officers
      WHERE status <> 'active' OR generation_changed_at > now() - interval '20 minutes'
      UNION ALL
      SELECT client_id, 2147483647 FROM daftar.service_accounts WHERE status <> 'active') r
