-- 004: referrals to the city with the resident's consent. Every state the routing machines
-- (routing/referral.hpp, routing/consent.hpp) return is persisted; every change is appended to
-- referral_event; nothing here is ever deleted (triggers refuse DELETE, and UPDATE of the event log).

-- Referral numbers are per tenant and per (local) year, "2026-0001": the counter row is locked by the
-- proposing transaction, so numbers are gap-free (a rolled-back proposal gives its number back).
CREATE TABLE referral_counter (
  tenant_id   text    NOT NULL,
  year        integer NOT NULL,
  last_number integer NOT NULL,
  PRIMARY KEY (tenant_id, year)
);

-- Sealed columns (summary, reason, emergency_reason) use the context tenant_id || '/referral'.
-- hub_skipped and answers_through_hub are the tenant's options when it was proposed, so that a
-- referral finishes under the rules it started with (and the inbox processor needs no config).
CREATE TABLE referral (
  tenant_id           text        NOT NULL,
  referral_id         uuid        NOT NULL DEFAULT gen_random_uuid(),
  number              text        NOT NULL,
  consultation_id     uuid        NOT NULL,
  stage               text        NOT NULL CHECK (stage IN ('proposed', 'awaiting_consent', 'at_hub', 'forwarded',
                                                             'answered', 'returned', 'closed', 'cancelled')),
  emergency           boolean     NOT NULL DEFAULT false,
  legal_basis         text        CHECK (legal_basis IN ('appi_27_1_2')),
  emergency_reason    bytea,
  emergency_reason_key_id integer,
  emergency_by        uuid,
  emergency_at        timestamptz,
  hub_involved        boolean     NOT NULL DEFAULT false,
  hub_skipped         boolean     NOT NULL,
  answers_through_hub boolean     NOT NULL,
  summary             bytea       NOT NULL,
  summary_key_id      integer     NOT NULL,
  reason              bytea       NOT NULL,
  reason_key_id       integer     NOT NULL,
  created_by          uuid        NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  cause               text        NOT NULL DEFAULT 'none'
                                  CHECK (cause IN ('none', 'consent_declined', 'consent_expired', 'consent_withdrawn')),
  PRIMARY KEY (tenant_id, referral_id),
  UNIQUE (tenant_id, number),
  FOREIGN KEY (tenant_id, consultation_id) REFERENCES consultation (tenant_id, consultation_id),
  CHECK ((emergency_reason IS NULL) = (emergency_reason_key_id IS NULL)),
  CHECK (NOT emergency OR (legal_basis IS NOT NULL AND emergency_reason IS NOT NULL))
);
CREATE INDEX referral_by_consultation ON referral (tenant_id, consultation_id, created_at);

-- The units of a referral: 'suggested' by the proposal, 'recipient' once forwarded to them. A
-- recipient's answer (対応内容) is sealed like the summary.
CREATE TABLE referral_unit (
  tenant_id     text        NOT NULL,
  referral_id   uuid        NOT NULL,
  role          text        NOT NULL CHECK (role IN ('suggested', 'recipient')),
  unit_id       text        NOT NULL,
  unit_kind     text        NOT NULL CHECK (unit_kind IN ('hub', 'department', 'platform_group')),
  position      integer     NOT NULL,
  added_at      timestamptz NOT NULL DEFAULT now(),
  added_by      uuid,
  answer        bytea,
  answer_key_id integer,
  answered_by   uuid,
  answered_at   timestamptz,
  -- A single-column key for batch work over the table (key rotation walks (tenant_id, id)).
  referral_unit_id uuid       NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, referral_id, role, unit_id),
  UNIQUE (tenant_id, referral_unit_id),
  FOREIGN KEY (tenant_id, referral_id) REFERENCES referral (tenant_id, referral_id),
  CHECK ((answer IS NULL) = (answer_key_id IS NULL)),
  CHECK (role = 'recipient' OR answer IS NULL)
);
CREATE INDEX referral_unit_inbox ON referral_unit (tenant_id, unit_id, role);

-- The tenant's category labels chosen to be shared with the referral (named in the consent request).
CREATE TABLE referral_category (
  tenant_id   text NOT NULL,
  referral_id uuid NOT NULL,
  category    text NOT NULL,
  position    integer NOT NULL,
  PRIMARY KEY (tenant_id, referral_id, category),
  FOREIGN KEY (tenant_id, referral_id) REFERENCES referral (tenant_id, referral_id)
);

-- One consent request per row; a new request is a new row (the old one is kept). Only the SHA-256 of
-- the postback token is stored: the token itself travels in the sealed outbox message only. An answer
-- comes from a postback (the inbox event and LINE's timestamp) or from a counsellor pointing at the
-- resident's message; a withdrawal likewise.
CREATE TABLE referral_consent (
  tenant_id        text        NOT NULL,
  consent_id       uuid        NOT NULL DEFAULT gen_random_uuid(),
  referral_id      uuid        NOT NULL,
  state            text        NOT NULL CHECK (state IN ('requested', 'granted', 'declined', 'expired', 'withdrawn')),
  token_hash       bytea       NOT NULL,
  requested_at     timestamptz NOT NULL,
  expires_at       timestamptz NOT NULL,
  requested_by     uuid        NOT NULL,
  outbox_id        uuid,
  answered_at      timestamptz,  -- the source's time (LINE's timestamp, or the message's)
  answer_via       text        CHECK (answer_via IN ('postback', 'counsellor')),
  answer_event_id  uuid,         -- inbox_event.event_id of the postback
  answer_webhook_event_id text,
  answer_message_id uuid,        -- message.message_id the counsellor pointed to
  answer_recorded_by uuid,
  expired_at       timestamptz,
  withdrawn_at     timestamptz,
  withdraw_via     text        CHECK (withdraw_via IN ('postback', 'counsellor')),
  withdraw_event_id uuid,
  withdraw_webhook_event_id text,
  withdraw_message_id uuid,
  withdraw_recorded_by uuid,
  PRIMARY KEY (tenant_id, consent_id),
  UNIQUE (tenant_id, token_hash),
  FOREIGN KEY (tenant_id, referral_id) REFERENCES referral (tenant_id, referral_id)
);
CREATE INDEX referral_consent_by_referral ON referral_consent (tenant_id, referral_id, requested_at);
CREATE INDEX referral_consent_due ON referral_consent (expires_at) WHERE state = 'requested';

-- Every state change of a referral or its consent: who (kind + staff id), when, the event, the stage
-- and consent state before and after. Append-only.
CREATE TABLE referral_event (
  event_seq     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id     text        NOT NULL,
  referral_id   uuid        NOT NULL,
  at            timestamptz NOT NULL DEFAULT now(),
  actor_kind    text        NOT NULL CHECK (actor_kind IN ('resident', 'staff', 'system')),
  actor_id      uuid,
  event         text        NOT NULL,
  from_stage    text,
  to_stage      text        NOT NULL,
  consent_from  text,
  consent_to    text,
  detail        jsonb       NOT NULL DEFAULT '{}',  -- ids and codes only, never text
  FOREIGN KEY (tenant_id, referral_id) REFERENCES referral (tenant_id, referral_id)
);
CREATE INDEX referral_event_by_referral ON referral_event (tenant_id, referral_id, event_seq);

CREATE FUNCTION referral_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on % is not allowed: referral records are kept', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER referral_no_delete BEFORE DELETE ON referral
  FOR EACH ROW EXECUTE FUNCTION referral_refuse_change();
CREATE TRIGGER referral_unit_no_delete BEFORE DELETE ON referral_unit
  FOR EACH ROW EXECUTE FUNCTION referral_refuse_change();
CREATE TRIGGER referral_consent_no_delete BEFORE DELETE ON referral_consent
  FOR EACH ROW EXECUTE FUNCTION referral_refuse_change();
CREATE TRIGGER referral_category_no_delete BEFORE DELETE ON referral_category
  FOR EACH ROW EXECUTE FUNCTION referral_refuse_change();
CREATE TRIGGER referral_event_append_only BEFORE UPDATE OR DELETE ON referral_event
  FOR EACH ROW EXECUTE FUNCTION referral_refuse_change();

-- The live feed learns about referrals: kind 'referral', the referral's id, and the unit a row is for
-- (NULL: the consultation's counsellors), so that officers' sockets can be filtered by unit.
ALTER TABLE console_event DROP CONSTRAINT console_event_kind_check;
ALTER TABLE console_event ADD CONSTRAINT console_event_kind_check
  CHECK (kind IN ('message', 'queue', 'delivery', 'assignment', 'referral'));
ALTER TABLE console_event ADD COLUMN referral_id uuid;
ALTER TABLE console_event ADD COLUMN unit text;

-- One row for the consultation and one per unit that can see the referral now (the hub once it had
-- it, each recipient), so that every inbox showing it refreshes.
CREATE FUNCTION console_event_emit_referral(p_tenant text, p_referral uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  r referral%ROWTYPE;
  u record;
  new_id bigint;
BEGIN
  SELECT * INTO r FROM referral WHERE tenant_id = p_tenant AND referral_id = p_referral;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  INSERT INTO console_event (tenant_id, kind, consultation_id, referral_id, unit)
  VALUES (p_tenant, 'referral', r.consultation_id, p_referral, NULL)
  RETURNING event_id INTO new_id;
  PERFORM pg_notify('yorisoi_console', new_id::text);
  FOR u IN
    SELECT DISTINCT unit_id FROM referral_unit
     WHERE tenant_id = p_tenant AND referral_id = p_referral
       AND (role = 'recipient' OR (r.hub_involved AND unit_kind = 'hub'))
  LOOP
    INSERT INTO console_event (tenant_id, kind, consultation_id, referral_id, unit)
    VALUES (p_tenant, 'referral', r.consultation_id, p_referral, u.unit_id)
    RETURNING event_id INTO new_id;
    PERFORM pg_notify('yorisoi_console', new_id::text);
  END LOOP;
END $$;

-- Fired by every write that changes what a view of the referral shows. Proposals (INSERT) are shown
-- once their consent request or emergency dispatch follows in the same transaction.
CREATE FUNCTION console_event_on_referral() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.stage IS DISTINCT FROM OLD.stage OR NEW.emergency IS DISTINCT FROM OLD.emergency THEN
    PERFORM console_event_emit_referral(NEW.tenant_id, NEW.referral_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER referral_console_event AFTER INSERT OR UPDATE ON referral
  FOR EACH ROW EXECUTE FUNCTION console_event_on_referral();

CREATE FUNCTION console_event_on_referral_answer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.answered_at IS DISTINCT FROM OLD.answered_at THEN
    PERFORM console_event_emit_referral(NEW.tenant_id, NEW.referral_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER referral_unit_console_event AFTER UPDATE ON referral_unit
  FOR EACH ROW EXECUTE FUNCTION console_event_on_referral_answer();

-- A consent's state changes (a withdrawal after the referral moved on changes no stage).
CREATE FUNCTION console_event_on_referral_consent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state IS DISTINCT FROM OLD.state THEN
    PERFORM console_event_emit_referral(NEW.tenant_id, NEW.referral_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER referral_consent_console_event AFTER UPDATE ON referral_consent
  FOR EACH ROW EXECUTE FUNCTION console_event_on_referral_consent();
