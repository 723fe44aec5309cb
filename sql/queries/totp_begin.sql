-- totp_begin: stores the calling officer's new (encrypted) secret, not yet enabled.
SELECT daftar.totp_begin($1)
