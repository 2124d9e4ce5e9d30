-- 012: account set-up at first login. A password chosen by an admin (a new account, a reset) must be
-- replaced by the user before the console may be used; the command line's accounts are set by the
-- operator and are not flagged.

ALTER TABLE staff_user ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
