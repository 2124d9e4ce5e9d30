-- A synthetic history for the report benchmark (psql -v tenants=20 -v consultations=1000000 -v messages=10):
-- `tenants` tenants (city-01 …), `consultations` consultations in all, opened uniformly over three years
-- (2022-01-01 … 2024-12-31 JST) and interleaved across tenants in time order (as a live system writes
-- them), `messages` message rows per consultation (inbound: an outbound row would need an outbox row;
-- the counters say half in, half out), 0–2 categories per consultation,
-- 1 % of consultations with a referral (units and a consent), 15 tracked links with a counter per day.
-- Triggers are off while loading (session_replication_role = replica): the counters the message trigger
-- would keep are written directly, and no console events are made. Run on a scratch database only.
\set ON_ERROR_STOP on
SET session_replication_role = replica;
SET synchronous_commit = off;

SELECT (:consultations / :tenants) AS per_tenant \gset
SELECT greatest(:per_tenant / 3, 1) AS residents \gset

INSERT INTO resident (tenant_id, resident_id, pseudonym, channel_key, line_user_id, line_user_key_id,
                      first_seen_at, last_seen_at)
SELECT 'city-' || lpad(t::text, 2, '0'), md5('r' || t || '-' || i)::uuid, decode(md5('p' || t || '-' || i), 'hex'),
       'line', '\x00'::bytea, 1, '2022-01-01 00:00+09', '2024-12-31 00:00+09'
  FROM generate_series(1, :residents) i, generate_series(1, :tenants) t;

-- Time order, tenants interleaved. Waits: minutes to days; 5 % never answered; 2 % urgent.
INSERT INTO consultation (tenant_id, consultation_id, resident_id, state, priority, arrival, opened_at,
                          last_message_at, closed_at, first_answer_at, age_band, messages_in, messages_out)
SELECT 'city-' || lpad(t::text, 2, '0'),
       md5('c' || t || '-' || i)::uuid,
       md5('r' || t || '-' || (1 + (i::bigint * 7919) % :residents))::uuid,
       'closed',
       CASE WHEN (i + t) % 50 = 0 THEN 'urgent' ELSE 'normal' END,
       CASE WHEN extract(isodow FROM o.at AT TIME ZONE 'Asia/Tokyo') < 6
             AND extract(hour FROM o.at AT TIME ZONE 'Asia/Tokyo') BETWEEN 18 AND 20 THEN 'staffed' ELSE 'off_hours' END,
       o.at, o.at + interval '1 hour', o.at + interval '3 days',
       CASE WHEN (i + t) % 20 = 0 THEN NULL ELSE o.at + ((i * 37 + t) % 4000) * interval '1 minute' END,
       (ARRAY['10代', '20代', '30代', '40代', '50代', '60代', '70代', NULL])[1 + (i + t) % 8],
       (:messages + 1) / 2, :messages / 2
  FROM generate_series(1, :per_tenant) i, generate_series(1, :tenants) t,
       LATERAL (SELECT timestamptz '2022-01-01 00:00+09'
                       + ((i - 1)::float8 / :per_tenant) * interval '1096 days'
                       + ((i * 7 + t * 13) % 600) * interval '1 minute' AS at) o;

INSERT INTO consultation_category (tenant_id, consultation_id, category, tagged_at)
SELECT c.tenant_id, c.consultation_id,
       (ARRAY['家族関係', '仕事・就労関係', '病気・障害', '孤独・孤立', '生きがい・趣味', '子育て・教育',
              '行政サービス・制度利用', '友人関係', '恋愛関係', '介護', '希死念慮・自傷', '生活困窮',
              '法律関係', '離婚関係'])[1 + (abs(hashtext(c.consultation_id::text)) + k * 5) % 14],
       c.opened_at
  FROM consultation c, generate_series(0, 2) k
 WHERE k < abs(hashtext(c.consultation_id::text)) % 3;  -- 0, 1 or 2 (and no category: 1 in 3)

-- Messages: the rows the purge deletes; the report never reads them (it reads the counters).
INSERT INTO message (tenant_id, consultation_id, resident_id, direction, kind, sent_at)
SELECT c.tenant_id, c.consultation_id, c.resident_id, 'in', 'text', c.opened_at + k * interval '1 minute'
  FROM consultation c, generate_series(1, :messages) k;

-- h picks the 1 % of consultations; g (another hash) their stage, emergency and cause.
INSERT INTO referral (tenant_id, referral_id, number, consultation_id, stage, emergency, legal_basis,
                      emergency_reason, emergency_reason_key_id, hub_skipped, answers_through_hub, summary,
                      summary_key_id, reason, reason_key_id, created_by, cause, created_at)
SELECT c.tenant_id, md5('f' || c.consultation_id)::uuid, 'b-' || c.consultation_id, c.consultation_id,
       (ARRAY['answered', 'forwarded', 'cancelled', 'closed'])[1 + g % 4],
       g % 25 = 0,
       CASE WHEN g % 25 = 0 THEN 'appi_27_1_2' END,
       CASE WHEN g % 25 = 0 THEN '\x01'::bytea END,
       CASE WHEN g % 25 = 0 THEN 1 END,
       false, true, '\x01'::bytea, 1, '\x01'::bytea, 1, c.resident_id,
       CASE WHEN g % 4 = 2 THEN 'consent_declined' ELSE 'none' END,
       c.opened_at + interval '1 hour'
  FROM consultation c,
       LATERAL (SELECT abs(hashtext(c.consultation_id::text)) AS h,
                       abs(hashtext('g' || c.consultation_id::text)) AS g) x
 WHERE x.h % 100 = 7;

INSERT INTO referral_unit (tenant_id, referral_id, role, unit_id, unit_kind, position, answered_at, answer,
                           answer_key_id)
SELECT r.tenant_id, r.referral_id, role, 'unit-' || (abs(hashtext(r.referral_id::text)) % 8), 'department', 0,
       CASE WHEN role = 'recipient' AND r.stage IN ('answered', 'closed') THEN r.created_at + interval '2 days' END,
       CASE WHEN role = 'recipient' AND r.stage IN ('answered', 'closed') THEN '\x01'::bytea END,
       CASE WHEN role = 'recipient' AND r.stage IN ('answered', 'closed') THEN 1 END
  FROM referral r, unnest(ARRAY['suggested', 'recipient']) role
 WHERE role = 'suggested' OR r.stage <> 'cancelled';

INSERT INTO referral_consent (tenant_id, referral_id, state, token_hash, requested_at, expires_at, requested_by,
                              answered_at)
SELECT r.tenant_id, r.referral_id, CASE WHEN r.stage = 'cancelled' THEN 'declined' ELSE 'granted' END,
       decode(md5('k' || r.referral_id), 'hex'), r.created_at, r.created_at + interval '3 days', r.created_by,
       r.created_at + interval '1 hour'
  FROM referral r WHERE NOT r.emergency;

INSERT INTO link_click (tenant_id, code, day, clicks)
SELECT 'city-' || lpad(t::text, 2, '0'), code, d::date, 1 + (t * 31 + extract(doy FROM d)::int) % 40
  FROM generate_series(1, :tenants) t,
       unnest(ARRAY['web-ads', 'facebook', 'instagram', 'flyer', 'city-web', 'city-line', 'city-facebook',
                    'influencer-1', 'influencer-2', 'influencer-3', 'influencer-4', 'influencer-5',
                    'influencer-6', 'influencer-7', 'poster']) code,
       generate_series(date '2022-01-01', date '2024-12-31', interval '1 day') d;

SET session_replication_role = origin;
