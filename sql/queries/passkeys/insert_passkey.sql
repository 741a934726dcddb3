INSERT INTO passkeys (credential_id, user_id, public_key, sign_count, name, created_at)
VALUES (:credential_id, :user_id, :public_key, :sign_count, :name, :created_at)
ON CONFLICT (credential_id) DO NOTHING
