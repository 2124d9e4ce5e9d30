-- 003: the counsellors' console — staff accounts and sessions, login throttling, the audit log,
-- consultation work (assignment, tags, notes) and the console event feed (LISTEN/NOTIFY).

-- Staff of one tenant. user_id is random (opaque in URLs); login is unique in the whole deployment so
-- that the login form needs no tenant. Officers belong to one org unit of their tenant's config.
CREATE TABLE staff_user (
  tenant_id        text        NOT NULL,
  user_id          uuid        NOT NULL DEFAULT gen_random_uuid(),
  login            text        NOT NULL,
  display_name     text        NOT NULL,
  role             text        NOT NULL CHECK (role IN ('admin', 'supervisor', 'counsellor', 'officer', 'analyst')),
  org_unit         text,
  password_hash    text        NOT NULL,  -- argon2id, PHC string
  disabled         boolean     NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id),
  CHECK ((role = 'officer') = (org_unit IS NOT NULL))
);
CREATE UNIQUE INDEX staff_user_login ON staff_user (lower(login));
CREATE UNIQUE INDEX staff_user_id ON staff_user (user_id);

-- A signed-in browser. Only the SHA-256 of the cookie's token is stored; the CSRF token is returned to
-- the page at login and must come back in X-CSRF-Token on every state-changing call.
CREATE TABLE staff_session (
  token_hash   bytea       PRIMARY KEY,
  tenant_id    text        NOT NULL,
  user_id      uuid        NOT NULL,
  csrf_token   text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,  -- absolute limit; the idle limit is checked against last_seen_at
  FOREIGN KEY (tenant_id, user_id) REFERENCES staff_user (tenant_id, user_id)
);
CREATE INDEX staff_session_user ON staff_session (user_id);

-- Failed logins, by login name (whether it exists or not: no enumeration) and by client address.
-- Rows older than the longest window are deleted by the login path itself.
CREATE TABLE login_failure (
  failure_id bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  login      text        NOT NULL,
  address    text        NOT NULL,
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failure_login ON login_failure (lower(login), at);
CREATE INDEX login_failure_address ON login_failure (address, at);

-- Who read or changed what, when. Append-only: the application only inserts and selects (a later
-- migration takes UPDATE and DELETE away from the runtime role).
CREATE TABLE audit_event (
  audit_id    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id   text        NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  actor_id    uuid,                  -- NULL: the system or the command line
  action      text        NOT NULL,  -- e.g. consultation.read, consultation.reply, staff.create
  object_type text        NOT NULL,
  object_id   text        NOT NULL,
  detail      jsonb       NOT NULL DEFAULT '{}'  -- never message text
);
CREATE INDEX audit_event_object ON audit_event (tenant_id, object_type, object_id, at);

-- Consultation work.
ALTER TABLE consultation ADD COLUMN age_band text;
ALTER TABLE consultation ADD COLUMN assigned_at timestamptz;
ALTER TABLE consultation ADD COLUMN first_answer_at timestamptz;
-- Who wrote a counsellor's reply (NULL for automatic answers and inbound messages).
ALTER TABLE message ADD COLUMN author_id uuid;

-- Categories are the tenant's labels (config); several per consultation.
CREATE TABLE consultation_category (
  tenant_id       text        NOT NULL,
  consultation_id uuid        NOT NULL,
  category        text        NOT NULL,
  tagged_at       timestamptz NOT NULL DEFAULT now(),
  tagged_by       uuid,
  PRIMARY KEY (tenant_id, consultation_id, category),
  FOREIGN KEY (tenant_id, consultation_id) REFERENCES consultation (tenant_id, consultation_id)
);

-- Private notes of the counsellors; sealed like message text (context tenant_id || '/note').
CREATE TABLE consultation_note (
  tenant_id       text        NOT NULL,
  note_id         uuid        NOT NULL DEFAULT gen_random_uuid(),
  consultation_id uuid        NOT NULL,
  author_id       uuid        NOT NULL,
  body            bytea       NOT NULL,
  body_key_id     integer     NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, note_id),
  FOREIGN KEY (tenant_id, consultation_id) REFERENCES consultation (tenant_id, consultation_id)
);
CREATE INDEX consultation_note_by_consultation ON consultation_note (tenant_id, consultation_id, created_at);

-- The console's live feed. Rows are written by triggers, so that every writer (inbox processor,
-- outbox sender, idle closer, console API, another instance) feeds it; each row is announced with
-- NOTIFY yorisoi_console '<event_id>' at commit. Rows carry ids only, never content. A console that
-- reconnects asks for rows after the last id it saw, then refetches the state it shows.
CREATE TABLE console_event (
  event_id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id       text        NOT NULL,
  kind            text        NOT NULL CHECK (kind IN ('message', 'queue', 'delivery', 'assignment')),
  consultation_id uuid        NOT NULL,
  message_id      uuid,
  at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX console_event_tenant ON console_event (tenant_id, event_id);

CREATE FUNCTION console_event_emit(p_tenant text, p_kind text, p_consultation uuid, p_message uuid)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  new_id bigint;
BEGIN
  INSERT INTO console_event (tenant_id, kind, consultation_id, message_id)
  VALUES (p_tenant, p_kind, p_consultation, p_message)
  RETURNING event_id INTO new_id;
  PERFORM pg_notify('yorisoi_console', new_id::text);
END $$;

CREATE FUNCTION console_event_on_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM console_event_emit(NEW.tenant_id, 'message', NEW.consultation_id, NEW.message_id);
  RETURN NULL;
END $$;
CREATE TRIGGER message_console_event AFTER INSERT ON message
  FOR EACH ROW EXECUTE FUNCTION console_event_on_message();

CREATE FUNCTION console_event_on_consultation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM console_event_emit(NEW.tenant_id, 'queue', NEW.consultation_id, NULL);
  ELSIF NEW.assigned_to IS DISTINCT FROM OLD.assigned_to THEN
    PERFORM console_event_emit(NEW.tenant_id, 'assignment', NEW.consultation_id, NULL);
  ELSIF NEW.state IS DISTINCT FROM OLD.state OR NEW.priority IS DISTINCT FROM OLD.priority
        OR NEW.waiting_since IS DISTINCT FROM OLD.waiting_since OR NEW.age_band IS DISTINCT FROM OLD.age_band THEN
    PERFORM console_event_emit(NEW.tenant_id, 'queue', NEW.consultation_id, NULL);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER consultation_console_event AFTER INSERT OR UPDATE ON consultation
  FOR EACH ROW EXECUTE FUNCTION console_event_on_consultation();

-- Delivery state of counsellors' answers (automatic answers are shown too, with their state).
CREATE FUNCTION console_event_on_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state IS DISTINCT FROM OLD.state AND NEW.consultation_id IS NOT NULL
     AND NEW.state IN ('sent', 'failed', 'cancelled') THEN
    PERFORM console_event_emit(NEW.tenant_id, 'delivery', NEW.consultation_id, NULL);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER outbox_console_event AFTER UPDATE ON outbox
  FOR EACH ROW EXECUTE FUNCTION console_event_on_outbox();
