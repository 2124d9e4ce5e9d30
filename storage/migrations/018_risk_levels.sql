-- 018: risk levels (低 / 中 / 高 / 緊急, routing/risk.hpp). The newest level a counsellor set stays on
-- the consultation (risk_level, with risk_lowered when it was set below 高 on an urgent consultation:
-- then it wins over the urgency); every change is a row of consultation_risk (who, when, the level and
-- the reason, sealed like notes with context tenant_id || '/risk'; retention clears the reason and
-- keeps the row for the reports' highest level reached). risk_rank mirrors routing::queue_rank of the
-- effective level (0 緊急, 1 高 — an urgent consultation not lowered counts as 高 —, 2 the rest) and
-- leads the queue order, whose index is rebuilt with it.

ALTER TABLE consultation ADD COLUMN risk_level text CHECK (risk_level IN ('low', 'medium', 'high', 'critical'));
ALTER TABLE consultation ADD COLUMN risk_lowered boolean NOT NULL DEFAULT false;
ALTER TABLE consultation ADD COLUMN risk_rank smallint GENERATED ALWAYS AS (
  CASE WHEN risk_level = 'critical' THEN 0
       WHEN risk_level = 'high' THEN 1
       WHEN priority = 'urgent' AND NOT (risk_lowered AND risk_level IS NOT NULL) THEN 1
       ELSE 2 END) STORED;

CREATE TABLE consultation_risk (
  tenant_id       text        NOT NULL,
  risk_id         uuid        NOT NULL DEFAULT gen_random_uuid(),
  consultation_id uuid        NOT NULL,
  level           text        NOT NULL CHECK (level IN ('low', 'medium', 'high', 'critical')),
  lowered         boolean     NOT NULL,
  reason          bytea,
  reason_key_id   integer,
  author_id       uuid        NOT NULL,
  set_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (tenant_id, risk_id),
  FOREIGN KEY (tenant_id, consultation_id) REFERENCES consultation (tenant_id, consultation_id),
  CHECK ((reason IS NULL) = (reason_key_id IS NULL))
);
CREATE INDEX consultation_risk_by_consultation ON consultation_risk (tenant_id, consultation_id, set_at);

DROP INDEX consultation_queue_order;
CREATE INDEX consultation_queue_order ON consultation
  (tenant_id, risk_rank, (coalesce(due_at, opened_at)), (coalesce(waiting_since, opened_at)), consultation_id)
  WHERE state <> 'closed';
