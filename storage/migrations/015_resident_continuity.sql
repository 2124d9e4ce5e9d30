-- 015: continuity of care. A resident's consultations are found by resident (the history panel,
-- through 013's consultation_by_resident), and the resident note (申し送り): a short text about the resident shown on each of their consultations,
-- sealed like consultation notes (context tenant_id || '/resident_note'). Every edit adds a row (the
-- newest is the current note), so its history stays: a row's author, resident and time never change;
-- only key rotation rewrites the sealed body.

CREATE TABLE resident_note (
  tenant_id    text        NOT NULL,
  note_id      uuid        NOT NULL DEFAULT gen_random_uuid(),
  resident_id  uuid        NOT NULL,
  author_id    uuid        NOT NULL,
  body         bytea       NOT NULL,
  body_key_id  integer     NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (tenant_id, note_id),
  FOREIGN KEY (tenant_id, resident_id) REFERENCES resident (tenant_id, resident_id)
);
CREATE INDEX resident_note_by_resident ON resident_note (tenant_id, resident_id, created_at);

CREATE FUNCTION resident_note_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.tenant_id IS DISTINCT FROM OLD.tenant_id OR NEW.note_id IS DISTINCT FROM OLD.note_id
     OR NEW.resident_id IS DISTINCT FROM OLD.resident_id OR NEW.author_id IS DISTINCT FROM OLD.author_id
     OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION 'resident_note rows are append-only (only key rotation re-seals the body)'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER resident_note_append_only BEFORE UPDATE ON resident_note
  FOR EACH ROW EXECUTE FUNCTION resident_note_keep_history();
