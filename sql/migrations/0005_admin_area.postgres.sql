-- An admin can disable an account: it cannot sign in, and its sessions end. NULL: enabled.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMPTZ;
-- When the password was last entered in each session (at sign-in, or to confirm it is
-- still the same person), so that what matters can ask again after a while.
-- Sessions from before this migration began with a password.
ALTER TABLE sessions ADD COLUMN reauthenticated_at TIMESTAMPTZ;
UPDATE sessions SET reauthenticated_at = created_at;
-- The admin area searches emails by prefix. Under a language collation, strings between a
-- prefix and its successor are not the strings that start with it, and such an index cannot
-- serve the range; in byte order ("C") they are, and this index can.
CREATE INDEX users_email_prefix_idx ON users (email COLLATE "C");
-- Keeping an admin able to sign in looks at the admins only, never at every user.
CREATE INDEX users_admins_idx ON users (id) WHERE is_admin;
