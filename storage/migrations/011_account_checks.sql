-- 011: wrong current passwords given on a password change, counted per user like failed logins (the
-- same growing delay); rows older than the failure window are deleted by the password-change path.
CREATE TABLE password_check_failure (
  failure_id bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id    uuid        NOT NULL,
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_check_failure_user ON password_check_failure (user_id, at);

-- Raising an account to a role that reads conversations waits for a second admin: the raise is kept
-- here (who asked, since when) and the account keeps its role until another admin of the tenant
-- confirms. A new account created with such a role is not activated (cannot sign in) until then.
-- role_unconfirmed flags a raise applied at once because no other admin could confirm it.
ALTER TABLE staff_user
  ADD COLUMN pending_role text CHECK (pending_role IN ('supervisor', 'counsellor')),
  ADD COLUMN pending_role_by uuid,
  ADD COLUMN pending_since timestamptz,
  ADD COLUMN role_unconfirmed boolean NOT NULL DEFAULT false,
  ADD COLUMN activated boolean NOT NULL DEFAULT true;

-- The live feed tells a tenant's admins about raises: kind 'staff', the account in staff_user_id.
ALTER TABLE console_event ALTER COLUMN consultation_id DROP NOT NULL;
ALTER TABLE console_event DROP CONSTRAINT console_event_kind_check;
ALTER TABLE console_event ADD CONSTRAINT console_event_kind_check
  CHECK (kind IN ('message', 'queue', 'delivery', 'assignment', 'referral', 'staff'));
ALTER TABLE console_event ADD COLUMN staff_user_id uuid;
