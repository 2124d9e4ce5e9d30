-- 011: wrong current passwords given on a password change, counted per user like failed logins (the
-- same growing delay); rows older than the failure window are deleted by the password-change path.
CREATE TABLE password_check_failure (
  failure_id bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id    uuid        NOT NULL,
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_check_failure_user ON password_check_failure (user_id, at);
