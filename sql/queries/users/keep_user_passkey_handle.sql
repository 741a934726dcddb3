-- The account's user handle: the one it has, else :handle from now on.
UPDATE users
   SET passkey_handle = COALESCE(passkey_handle, :handle)
 WHERE id = :user_id
RETURNING passkey_handle
