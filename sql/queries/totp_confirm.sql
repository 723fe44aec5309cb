-- totp_confirm: enables the calling officer's pending secret at step $1.
SELECT daftar.totp_confirm($1::bigint)
