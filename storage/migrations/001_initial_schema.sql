-- 001: the webhook intake (transactional inbox) and the first domain tables.
-- Every primary key starts with tenant_id, so the schema can later be distributed by tenant unchanged.
-- Sensitive values (LINE user ids, message text, raw events) are AES-256-GCM blobs with the id of the
-- key that sealed them; residents are found by pseudonym (HMAC of channel and LINE user id).

-- Every webhook event as received, committed before the webhook answers 200. Applying an event
-- (resident, consultation, message) happens later from here, so a crash after the 200 loses nothing.
CREATE TABLE inbox_event (
  tenant_id        text        NOT NULL,
  event_id         uuid        NOT NULL DEFAULT gen_random_uuid(),
  -- Arrival order for the processor; not an identifier.
  seq              bigint      GENERATED ALWAYS AS IDENTITY,
  webhook_event_id text        NOT NULL,
  channel_key      text        NOT NULL,
  event_type       text        NOT NULL,
  mode             text        NOT NULL CHECK (mode IN ('active', 'standby')),
  occurred_at      timestamptz NOT NULL,
  received_at      timestamptz NOT NULL DEFAULT now(),
  redelivery       boolean     NOT NULL DEFAULT false,
  pseudonym        bytea,
  payload          bytea       NOT NULL,
  key_id           integer     NOT NULL,
  processed_at     timestamptz,
  process_error    text,
  PRIMARY KEY (tenant_id, event_id),
  -- LINE redelivers with the same webhookEventId: the second copy is a no-op.
  UNIQUE (tenant_id, webhook_event_id)
);
CREATE INDEX inbox_event_unprocessed ON inbox_event (seq) WHERE processed_at IS NULL;

CREATE TABLE resident (
  tenant_id        text        NOT NULL,
  resident_id      uuid        NOT NULL DEFAULT gen_random_uuid(),
  pseudonym        bytea       NOT NULL,
  channel_key      text        NOT NULL,
  -- Needed to push replies, so kept, but only sealed.
  line_user_id     bytea       NOT NULL,
  line_user_key_id integer     NOT NULL,
  age_band         text,
  followed         boolean     NOT NULL DEFAULT true,
  unfollowed_at    timestamptz,
  first_seen_at    timestamptz NOT NULL,
  last_seen_at     timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, resident_id),
  UNIQUE (tenant_id, pseudonym)
);

CREATE TABLE consultation (
  tenant_id       text        NOT NULL,
  consultation_id uuid        NOT NULL DEFAULT gen_random_uuid(),
  resident_id     uuid        NOT NULL,
  state           text        NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'assigned', 'closed')),
  priority        text        NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'urgent')),
  -- Staffed or off-hours arrival, for the city's tallies; filled in by the routing rules.
  arrival         text        CHECK (arrival IN ('staffed', 'off_hours')),
  assigned_to     uuid,
  opened_at       timestamptz NOT NULL,
  closed_at       timestamptz,
  last_message_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, consultation_id),
  FOREIGN KEY (tenant_id, resident_id) REFERENCES resident (tenant_id, resident_id)
);
-- A resident has at most one consultation that is not closed: a new message continues it.
CREATE UNIQUE INDEX consultation_one_open ON consultation (tenant_id, resident_id) WHERE state <> 'closed';
CREATE INDEX consultation_queue ON consultation (tenant_id, priority, last_message_at) WHERE state = 'waiting';

CREATE TABLE message (
  tenant_id       text        NOT NULL,
  message_id      uuid        NOT NULL DEFAULT gen_random_uuid(),
  consultation_id uuid        NOT NULL,
  resident_id     uuid        NOT NULL,
  direction       text        NOT NULL CHECK (direction IN ('in', 'out')),
  kind            text        NOT NULL,
  line_message_id text,
  -- Sealed text; NULL for kinds without text and after the resident unsent the message.
  body            bytea,
  body_key_id     integer,
  sent_at         timestamptz NOT NULL,
  source_event_id uuid,
  withdrawn_at    timestamptz,
  PRIMARY KEY (tenant_id, message_id),
  FOREIGN KEY (tenant_id, consultation_id) REFERENCES consultation (tenant_id, consultation_id),
  FOREIGN KEY (tenant_id, resident_id) REFERENCES resident (tenant_id, resident_id),
  CHECK ((body IS NULL) = (body_key_id IS NULL))
);
CREATE INDEX message_transcript ON message (tenant_id, consultation_id, sent_at);
CREATE UNIQUE INDEX message_line_id ON message (tenant_id, line_message_id) WHERE line_message_id IS NOT NULL;
