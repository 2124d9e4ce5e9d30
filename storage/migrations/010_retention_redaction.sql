-- 010: retention leaves no text behind. Once a purged consultation's referral is over (closed or
-- cancelled), the retention run clears its summary, reason, emergency reason and the units' answers
-- and stamps redacted_at; the rows stay for the tallies (stages, units, categories, emergency flag).

ALTER TABLE referral ADD COLUMN redacted_at timestamptz;
ALTER TABLE referral ALTER COLUMN summary DROP NOT NULL,
                     ALTER COLUMN summary_key_id DROP NOT NULL,
                     ALTER COLUMN reason DROP NOT NULL,
                     ALTER COLUMN reason_key_id DROP NOT NULL;

-- The emergency rule of 004 required the reason forever; now only until the text is redacted.
DO $$
DECLARE
  name text;
BEGIN
  FOR name IN
    SELECT conname FROM pg_constraint
     WHERE conrelid = 'referral'::regclass AND contype = 'c'
       AND pg_get_constraintdef(oid) LIKE '%legal_basis IS NOT NULL%emergency_reason IS NOT NULL%'
  LOOP
    EXECUTE format('ALTER TABLE referral DROP CONSTRAINT %I', name);
  END LOOP;
END
$$;

ALTER TABLE referral
  ADD CONSTRAINT referral_emergency_basis
      CHECK (NOT emergency OR (legal_basis IS NOT NULL AND (emergency_reason IS NOT NULL OR redacted_at IS NOT NULL))),
  ADD CONSTRAINT referral_texts_until_redacted
      CHECK (redacted_at IS NOT NULL OR (summary IS NOT NULL AND reason IS NOT NULL)),
  ADD CONSTRAINT referral_summary_key CHECK ((summary IS NULL) = (summary_key_id IS NULL)),
  ADD CONSTRAINT referral_reason_key CHECK ((reason IS NULL) = (reason_key_id IS NULL));
