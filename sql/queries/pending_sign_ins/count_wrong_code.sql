-- One more wrong code; the count comes back, and nothing when the sign-in has ended.
UPDATE pending_sign_ins
   SET wrong_codes = wrong_codes + 1
 WHERE token_hash = :token_hash
   AND expires_at > :now
RETURNING wrong_codes
