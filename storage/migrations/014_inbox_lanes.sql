-- 014: the inbox keeps pace — a crisis lane, partitions by resident, and poison events parked.
--
-- * lane: 'crisis' for a text message whose folded text matches its tenant's risk expressions, decided
--   when the webhook stores it; the processor applies crisis events (with every earlier waiting event of
--   the same resident, so that the resident's order holds) before the ordinary backlog. Existing rows
--   are ordinary (a constant default: no table rewrite).
-- * The resident key is the pseudonym each row already carries (HMAC of channel and LINE user id with
--   the pepper; no LINE id in clear). Its first two bytes, modulo [server] inbox_partitions, name the
--   row's partition: no column is needed, and a change of the partition count needs no rewrite.
-- * attempts, last_sqlstate, parked_at: an event the database keeps rejecting is tried a bounded number
--   of times, then parked (left unapplied, out of the processor's way) until `yorisoi inbox retry`.
-- * consultation.inbox_parked_at: the resident's open consultation is marked when one of the resident's
--   events is parked, so that a counsellor looks at it.
ALTER TABLE inbox_event ADD COLUMN lane text NOT NULL DEFAULT 'ordinary' CHECK (lane IN ('ordinary', 'crisis'));
ALTER TABLE inbox_event ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE inbox_event ADD COLUMN last_sqlstate text;
ALTER TABLE inbox_event ADD COLUMN parked_at timestamptz;
ALTER TABLE consultation ADD COLUMN inbox_parked_at timestamptz;

-- The crisis lane's waiting events, in the processor's order (few rows).
CREATE INDEX inbox_event_crisis_waiting ON inbox_event (xid, seq)
  WHERE processed_at IS NULL AND parked_at IS NULL AND lane = 'crisis';
-- A resident's waiting events in order: the earlier events taken with a crisis event.
CREATE INDEX inbox_event_resident_waiting ON inbox_event (tenant_id, pseudonym, xid, seq)
  WHERE processed_at IS NULL;
-- Parked events, for the metrics and `yorisoi inbox parked` (few rows).
CREATE INDEX inbox_event_parked ON inbox_event (received_at) WHERE parked_at IS NOT NULL;
