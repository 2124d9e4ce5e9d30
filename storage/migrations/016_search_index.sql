-- 016: the keyed search index of consultations. Message text and notes stay sealed; the index holds,
-- per consultation, the distinct character bigrams of its folded text, each as the first 8 bytes of
-- HMAC-SHA256 under a per-tenant search key derived from the pseudonym pepper (never stored). Without
-- that key a gram says nothing about the text; with the database alone one learns only how many
-- distinct grams a consultation has and which consultations share a gram. A search looks up the
-- grams of its words, then opens the candidates' text to verify them (storage/src/search/).
--
-- The background indexer fills search_gram from search_backlog, a queue of the rows written since
-- (fed by triggers: the message table has no insertion order a cursor could follow without missing
-- rows committed out of order). Automatic answers are not indexed (their template text would match
-- every consultation). The retention purge deletes a consultation's grams with its texts.

CREATE TABLE search_gram (
  tenant_id       text   NOT NULL,
  gram            bigint NOT NULL,
  consultation_id uuid   NOT NULL,
  PRIMARY KEY (tenant_id, gram, consultation_id),
  FOREIGN KEY (tenant_id, consultation_id) REFERENCES consultation (tenant_id, consultation_id) ON DELETE CASCADE
);
CREATE INDEX search_gram_by_consultation ON search_gram (tenant_id, consultation_id);

-- Rows still to be indexed, oldest first. Ids only, never text.
CREATE TABLE search_backlog (
  backlog_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id  text   NOT NULL,
  kind       text   NOT NULL CHECK (kind IN ('message', 'note')),
  row_id     uuid   NOT NULL
);

CREATE FUNCTION search_backlog_on_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_backlog (tenant_id, kind, row_id) VALUES (NEW.tenant_id, 'message', NEW.message_id);
  RETURN NULL;
END $$;
CREATE TRIGGER message_search_backlog AFTER INSERT ON message
  FOR EACH ROW WHEN (NEW.body IS NOT NULL AND (NEW.direction = 'in' OR NEW.author_id IS NOT NULL))
  EXECUTE FUNCTION search_backlog_on_message();

CREATE FUNCTION search_backlog_on_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_backlog (tenant_id, kind, row_id) VALUES (NEW.tenant_id, 'note', NEW.note_id);
  RETURN NULL;
END $$;
CREATE TRIGGER note_search_backlog AFTER INSERT ON consultation_note
  FOR EACH ROW EXECUTE FUNCTION search_backlog_on_note();

-- What was written before this step is indexed too.
INSERT INTO search_backlog (tenant_id, kind, row_id)
SELECT tenant_id, 'message', message_id FROM message
 WHERE body IS NOT NULL AND (direction = 'in' OR author_id IS NOT NULL)
 ORDER BY sent_at;
INSERT INTO search_backlog (tenant_id, kind, row_id)
SELECT tenant_id, 'note', note_id FROM consultation_note ORDER BY created_at;
