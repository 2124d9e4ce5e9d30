-- 011: no schema change (keeps the versions dense).
SELECT 1 WHERE false;
