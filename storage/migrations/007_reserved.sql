-- 007: intentionally empty. Migration versions are dense; this version carries no change.
DO $$ BEGIN END $$;
