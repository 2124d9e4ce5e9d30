-- 017: on shift. Each counsellor's presence (available / away / off, since when), their own capacity
-- (how many open consultations they may hold; NULL = the tenant's default from the config), and the
-- live event 'presence' that tells the consultation workers of a tenant that someone's presence or
-- capacity changed (staff_user_id names the account). Presence counts only while a session is alive:
-- the readers take it as 'off' when the account has no live session that began before the change.

ALTER TABLE staff_user ADD COLUMN capacity integer CHECK (capacity BETWEEN 1 AND 50);

CREATE TABLE staff_presence (
  tenant_id  text        NOT NULL,
  user_id    uuid        NOT NULL,
  status     text        NOT NULL CHECK (status IN ('available', 'away', 'off')),
  since      timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (tenant_id, user_id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES staff_user (tenant_id, user_id)
);

ALTER TABLE console_event DROP CONSTRAINT console_event_kind_check;
ALTER TABLE console_event ADD CONSTRAINT console_event_kind_check
  CHECK (kind IN ('message', 'queue', 'delivery', 'assignment', 'referral', 'staff', 'presence'));
