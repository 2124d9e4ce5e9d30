-- 012: account set-up and second factor. A password chosen by an admin (a new account, a reset) must be
-- replaced by the user before the console may be used; the command line's accounts are set by the
-- operator and are not flagged.

ALTER TABLE staff_user ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;

-- An optional TOTP second factor (RFC 6238: HMAC-SHA-1, 6 digits, 30 s). The secret is sealed like
-- message text (context <tenant>/totp, key id beside it, rotated by `keys rotate`). A row without
-- confirmed_at is an enrolment not yet confirmed with a code; last_step is the newest time step
-- accepted, so that a code is never accepted twice.
CREATE TABLE staff_totp (
  tenant_id     text        NOT NULL,
  user_id       uuid        NOT NULL,
  secret        bytea       NOT NULL,
  secret_key_id integer     NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  confirmed_at  timestamptz,
  last_step     bigint,
  PRIMARY KEY (tenant_id, user_id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES staff_user (tenant_id, user_id)
);

-- One-time recovery codes of a confirmed factor, as SHA-256 of the normalised code (random, 60 bits:
-- a fast hash suffices, and logins are throttled). Replaced at every confirmation.
CREATE TABLE staff_recovery_code (
  tenant_id text        NOT NULL,
  user_id   uuid        NOT NULL,
  code_hash bytea       NOT NULL,
  used_at   timestamptz,
  PRIMARY KEY (tenant_id, user_id, code_hash),
  FOREIGN KEY (tenant_id, user_id) REFERENCES staff_user (tenant_id, user_id)
);
