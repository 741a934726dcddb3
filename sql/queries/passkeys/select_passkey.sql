-- A passkey, with the user handle of its account (an answer's user handle must be it) and
-- whether the account is disabled.
SELECT passkeys.credential_id, passkeys.user_id, passkeys.public_key, passkeys.sign_count,
       passkeys.name, passkeys.created_at, passkeys.last_used_at, users.passkey_handle,
       users.disabled_at
  FROM passkeys
  JOIN users ON users.id = passkeys.user_id
 WHERE passkeys.credential_id = :credential_id
