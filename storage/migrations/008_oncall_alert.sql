-- 008: on-call alerts. When a resident's message makes a consultation urgent outside staffed hours (or,
-- for tenants with on = "any", opens one then), the inbox processor writes an alert row in the same
-- transaction that applies the message; a sender POSTs it, signed, to the tenant's on-call receiver and
-- retries it like the LINE outbox. The row carries ids and times only, never the resident's text.
CREATE TABLE alert (
  tenant_id       text        NOT NULL,
  -- Also the idempotency key: sent as X-Yorisoi-Alert-Id with every attempt, so a receiver drops a
  -- repeated delivery (an attempt whose answer was lost is sent again).
  alert_id        uuid        NOT NULL DEFAULT gen_random_uuid(),
  consultation_id uuid        NOT NULL,
  resident_id     uuid        NOT NULL,
  kind            text        NOT NULL CHECK (kind IN ('urgent', 'off_hours')),
  -- The off-hours stretch: the start of the staffed window that ends it ('infinity' when none follows
  -- in the service period). One alert of a kind per consultation per stretch.
  stretch_until   timestamptz NOT NULL,
  occurred_at     timestamptz NOT NULL,  -- when the resident wrote (LINE's event time)
  source_event_id uuid        NOT NULL,  -- the inbox event whose application wrote the row
  state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
  -- Attempts made; a claim adds one and moves next_attempt_at past its lease, so a sender that died
  -- mid-send leaves the row to be claimed again then. A report counts only for the attempt it names.
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_status     integer,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz,
  PRIMARY KEY (tenant_id, alert_id),
  UNIQUE (tenant_id, consultation_id, kind, stretch_until),
  FOREIGN KEY (tenant_id, consultation_id) REFERENCES consultation (tenant_id, consultation_id),
  FOREIGN KEY (tenant_id, resident_id) REFERENCES resident (tenant_id, resident_id)
);
CREATE INDEX alert_due ON alert (next_attempt_at) WHERE state = 'pending';
