-- 005: the audit log is append-only. No role that connects through the application can change or remove
-- what it recorded: UPDATE, DELETE and TRUNCATE are refused by triggers (which bind the table's owner too,
-- short of ALTER TABLE … DISABLE TRIGGER, itself an owner-only act that a separate migration role keeps
-- away from the runtime role), and no privilege beyond SELECT and INSERT is granted to anyone else.
CREATE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on audit_event is not allowed: the audit log is append-only', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM PUBLIC;
