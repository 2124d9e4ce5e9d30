-- 007: the resident's button taps in the transcript, and who set a consultation's age band.
--
-- * A tap (an age band, 同意する, 同意しない, 同意を取り消す) is a message row of its own kind:
--   direction 'in', kind 'postback', the button's label sealed like message text. It is the resident's
--   action, not a message: the message counters of the reports do not count it.
-- * The consultation's age band is filled by the resident's latest age-band tap unless a counsellor
--   set it. `resident_age_band` keeps the resident's own latest answer during the consultation;
--   `age_band_set_by` says whose the band is. A trigger keeps it true for every writer: a change of the
--   band to the resident's answer is the resident's when the same statement moved resident_age_band to
--   it or the band was empty; any other change (the console's) is the counsellor's; no band, nobody.

ALTER TABLE consultation ADD COLUMN resident_age_band text;
ALTER TABLE consultation ADD COLUMN age_band_set_by text CHECK (age_band_set_by IN ('resident', 'counsellor'));
-- Until now only counsellors set a consultation's band.
UPDATE consultation SET age_band_set_by = 'counsellor' WHERE age_band IS NOT NULL;

CREATE FUNCTION consultation_age_band_setter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.age_band IS DISTINCT FROM OLD.age_band THEN
    NEW.age_band_set_by := CASE
      WHEN NEW.age_band IS NULL THEN NULL
      WHEN NEW.age_band = NEW.resident_age_band
           AND (NEW.resident_age_band IS DISTINCT FROM OLD.resident_age_band OR OLD.age_band IS NULL) THEN 'resident'
      ELSE 'counsellor' END;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER consultation_age_band_set_by BEFORE UPDATE OF age_band ON consultation
  FOR EACH ROW EXECUTE FUNCTION consultation_age_band_setter();

-- Taps are not counted as messages in (the function of 006 otherwise unchanged).
CREATE OR REPLACE FUNCTION consultation_count_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.direction = 'in' AND NEW.kind = 'postback' THEN
    RETURN NULL;
  END IF;
  IF NEW.direction = 'in' THEN
    UPDATE consultation SET messages_in = messages_in + 1
     WHERE tenant_id = NEW.tenant_id AND consultation_id = NEW.consultation_id;
  ELSE
    UPDATE consultation SET messages_out = messages_out + 1
     WHERE tenant_id = NEW.tenant_id AND consultation_id = NEW.consultation_id;
  END IF;
  RETURN NULL;
END $$;
