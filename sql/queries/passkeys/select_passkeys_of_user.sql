SELECT passkeys.credential_id, passkeys.user_id, passkeys.public_key, passkeys.sign_count,
       passkeys.name, passkeys.created_at, passkeys.last_used_at, users.passkey_handle,
       users.disabled_at
  FROM passkeys
  JOIN users ON users.id = passkeys.user_id
 WHERE passkeys.user_id = :user_id
 ORDER BY passkeys.created_at, passkeys.credential_id
