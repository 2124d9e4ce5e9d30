-- 008: reserved for another change; a no-op here so that this branch builds with dense versions.
DO $$ BEGIN NULL; END $$;
