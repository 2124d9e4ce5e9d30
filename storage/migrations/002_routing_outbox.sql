-- 002: the routing core — decisions applied from the inbox, automatic answers through a transactional
-- outbox, the counsellors' queue order, and a commit-order guard for the inbox processor.

-- The writing transaction of each inbox row. The processor only takes rows whose transaction is older
-- than every transaction still running (xid < pg_snapshot_xmin), in (xid, seq) order: a row is never
-- applied while a row that sorts before it may still be uncommitted, so two events of one resident are
-- applied in the order they were written even when their transactions commit out of order.
-- Existing rows get the migration's own xid, which is older than anything written after it.
ALTER TABLE inbox_event ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
DROP INDEX inbox_event_unprocessed;
CREATE INDEX inbox_event_unprocessed ON inbox_event (xid, seq) WHERE processed_at IS NULL;

-- The start of the staffed window named by the resident's last off-hours answer: one such answer per
-- off-hours stretch, however many messages the resident sends in it.
ALTER TABLE resident ADD COLUMN off_hours_answered_for timestamptz;

-- Queue order: urgent first, then due_at (now when it arrived staffed, else the next window's start),
-- then waiting_since (the resident's first message not yet answered by a counsellor).
ALTER TABLE consultation ADD COLUMN due_at timestamptz;
ALTER TABLE consultation ADD COLUMN waiting_since timestamptz;
DROP INDEX consultation_queue;
CREATE INDEX consultation_queue ON consultation (tenant_id, priority, due_at, waiting_since)
  WHERE state <> 'closed';
-- The idle closer looks for open consultations by last activity.
CREATE INDEX consultation_idle ON consultation (tenant_id, last_message_at) WHERE state <> 'closed';

-- Messages to LINE, written in the same transaction as the decision that made them. outbox_id is the
-- X-Line-Retry-Key, so a push retried after an unknown outcome is delivered at most once by LINE.
CREATE TABLE outbox (
  tenant_id              text        NOT NULL,
  outbox_id              uuid        NOT NULL DEFAULT gen_random_uuid(),
  channel_key            text        NOT NULL,
  resident_id            uuid        NOT NULL,
  consultation_id        uuid,
  origin                 text        NOT NULL CHECK (origin IN ('auto', 'counsellor')),
  -- What the row answers: greeting, off_hours, out_of_service, crisis, age_question (the first
  -- automatic answer of the row, in sending order), or reply (a counsellor's).
  kind                   text        NOT NULL,
  -- Sealed JSON array of LINE message objects (1–5), context tenant_id || '/outbox'.
  messages               bytea       NOT NULL,
  messages_key_id        integer     NOT NULL,
  -- Sealed reply token of the event answered, context tenant_id || '/outbox'; cleared once claimed,
  -- since a token is good for one attempt at most.
  reply_token            bytea,
  reply_token_key_id     integer,
  reply_token_expires_at timestamptz,
  state                  text        NOT NULL DEFAULT 'pending'
                                     CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
  attempts               integer     NOT NULL DEFAULT 0,
  -- When the row is due: for 'pending', the next attempt; for 'sending', the end of the lease (a
  -- sender that died mid-send leaves the row to be claimed again then). One index serves both.
  next_attempt_at        timestamptz NOT NULL DEFAULT now(),
  lease_until            timestamptz,
  last_via               text        CHECK (last_via IN ('reply', 'push')),
  last_status            integer,
  last_error             text,
  line_request_id        text,
  created_at             timestamptz NOT NULL DEFAULT now(),
  sent_at                timestamptz,
  source_event_id        uuid,
  PRIMARY KEY (tenant_id, outbox_id),
  FOREIGN KEY (tenant_id, resident_id) REFERENCES resident (tenant_id, resident_id),
  FOREIGN KEY (tenant_id, consultation_id) REFERENCES consultation (tenant_id, consultation_id),
  CHECK ((reply_token IS NULL) = (reply_token_key_id IS NULL))
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state IN ('pending', 'sending');
-- Unfollow cancels the resident's pending automatic answers.
CREATE INDEX outbox_resident ON outbox (tenant_id, resident_id) WHERE state = 'pending';

-- An outbound message row belongs to the outbox row that carries it; its delivery state is the outbox
-- row's (join on outbox_id), so there is one source of truth for it.
ALTER TABLE message ADD COLUMN outbox_id uuid;
ALTER TABLE message ADD CONSTRAINT message_outbox_fk
  FOREIGN KEY (tenant_id, outbox_id) REFERENCES outbox (tenant_id, outbox_id);
ALTER TABLE message ADD CONSTRAINT message_out_has_outbox CHECK (direction = 'in' OR outbox_id IS NOT NULL);
