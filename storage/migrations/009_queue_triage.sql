-- 009: triage of the counsellors' queue — when each staff member last opened a consultation's
-- transcript (for the unread count of its row) and an index that serves the queue page by page.

-- One row per staff member and consultation, replaced at every transcript read. seen_in is the
-- consultation's messages_in counter at that read: the row's unread count is messages_in - seen_in,
-- so the queue needs no count over the messages. No text here.
CREATE TABLE consultation_read (
  tenant_id       text        NOT NULL,
  consultation_id uuid        NOT NULL,
  user_id         uuid        NOT NULL,
  seen_in         integer     NOT NULL,
  read_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, consultation_id, user_id),
  FOREIGN KEY (tenant_id, consultation_id) REFERENCES consultation (tenant_id, consultation_id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES staff_user (tenant_id, user_id)
);

-- The queue order (routing::comes_before: urgent first, then the earliest due, then the longest
-- waiting; the id breaks ties) as index keys, so that a page after a cursor is a range scan
-- (keyset pagination): "(key) > (cursor) ORDER BY key LIMIT n" with no OFFSET.
CREATE INDEX consultation_queue_order ON consultation
  (tenant_id, (priority <> 'urgent'), (coalesce(due_at, opened_at)), (coalesce(waiting_since, opened_at)),
   consultation_id)
  WHERE state <> 'closed';
