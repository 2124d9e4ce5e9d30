-- 006: the city's tallies — message counters on the consultation, indexes for the report's
-- range scans, per-day link click counters, and the retention purge's mark.
--
-- Counters or indexes? Both, each where it is the only thing that works:
-- * Messages in/out are counters on the consultation, incremented by a trigger in the transaction that
--   inserts the message (every writer — inbox processor, automatic answers, counsellors' replies,
--   consent requests — goes through it). Counting message rows instead would be both slower (10 rows per
--   consultation) and wrong after the retention purge deletes those rows; the counters stay.
-- * Everything else is read from rows the purge keeps (consultation, its categories, referrals and
--   consents), through an index on (tenant_id, opened_at): a tenant-year is a range scan of about 20 k
--   rows, cheap enough that no other precomputed tally (which would have to be kept right under
--   re-tagging after closure, reopening, and so on) is worth its bugs. Figures stay reproducible from
--   the rows themselves.

ALTER TABLE consultation ADD COLUMN messages_in integer NOT NULL DEFAULT 0;
ALTER TABLE consultation ADD COLUMN messages_out integer NOT NULL DEFAULT 0;
-- Set when the retention purge removed the consultation's messages and notes; the row itself stays.
ALTER TABLE consultation ADD COLUMN purged_at timestamptz;

-- Consultations that exist already get their counts once.
UPDATE consultation c
   SET messages_in = m.n_in, messages_out = m.n_out
  FROM (SELECT tenant_id, consultation_id,
               count(*) FILTER (WHERE direction = 'in') AS n_in,
               count(*) FILTER (WHERE direction = 'out') AS n_out
          FROM message GROUP BY tenant_id, consultation_id) m
 WHERE c.tenant_id = m.tenant_id AND c.consultation_id = m.consultation_id;

-- Counts every message row inserted (a duplicate skipped by ON CONFLICT fires nothing). Deleting
-- messages (the purge) never decrements: the figures survive it.
CREATE FUNCTION consultation_count_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.direction = 'in' THEN
    UPDATE consultation SET messages_in = messages_in + 1
     WHERE tenant_id = NEW.tenant_id AND consultation_id = NEW.consultation_id;
  ELSE
    UPDATE consultation SET messages_out = messages_out + 1
     WHERE tenant_id = NEW.tenant_id AND consultation_id = NEW.consultation_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER message_counts AFTER INSERT ON message
  FOR EACH ROW EXECUTE FUNCTION consultation_count_message();

-- The report's range scan (consultations opened in the tenant's local dates, as UTC instants).
CREATE INDEX consultation_opened ON consultation (tenant_id, opened_at);
-- New vs returning reads the same index: the residents of the tenant's consultations opened before the range.
-- The retention job looks for closed consultations not yet purged, oldest closure first.
CREATE INDEX consultation_purge_due ON consultation (closed_at) WHERE state = 'closed' AND purged_at IS NULL;
-- The purge finds the notes of a consultation by consultation_note_by_consultation, its messages by
-- message_transcript, and their outbox rows by this one.
CREATE INDEX outbox_by_consultation ON outbox (tenant_id, consultation_id) WHERE consultation_id IS NOT NULL;

-- Clicks on tracked links (GET /l/{code}): one counter per tenant, code and local day, incremented by an
-- upsert. Nothing about the visitor is stored.
CREATE TABLE link_click (
  tenant_id text    NOT NULL,
  code      text    NOT NULL,
  day       date    NOT NULL,
  clicks    bigint  NOT NULL DEFAULT 0 CHECK (clicks >= 0),
  PRIMARY KEY (tenant_id, day, code)
);
