-- 019: the supervisor's whisper. A whisper is a note addressed to one counsellor (whisper_to, the
-- consultation's assigned counsellor when it was written): it is kept with the notes, sealed like them,
-- and the notes query shows it only to its addressee, its author and supervisors — never to another
-- counsellor; officers and the resident never read notes at all.

ALTER TABLE consultation_note ADD COLUMN whisper_to uuid;
