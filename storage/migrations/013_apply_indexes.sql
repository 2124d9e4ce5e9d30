-- 013: applying an inbox event costs the same however long the history, and the backlog is cheap to see.
--
-- * Whether a resident has consulted before (the facts read for every message) asked for any of the
--   resident's consultations, closed ones included; only open ones had an index (consultation_one_open),
--   so every message scanned the whole consultation table. This index answers it with one lookup, and
--   serves any other "this resident's consultations" question.
-- * The metrics' backlog figures: the oldest event still waiting by the time it reached us (a spooled
--   event keeps its first arrival time, so it is not always the next in the processor's order), and the
--   events that failed to apply. Both partial indexes hold few rows: waiting events leave the first when
--   applied; failed ones are rare.
CREATE INDEX consultation_by_resident ON consultation (tenant_id, resident_id);
CREATE INDEX inbox_event_waiting ON inbox_event (received_at) WHERE processed_at IS NULL;
CREATE INDEX inbox_event_failed ON inbox_event (received_at) WHERE process_error IS NOT NULL;
