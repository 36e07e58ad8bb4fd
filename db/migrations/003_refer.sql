-- Version 3: whether a trunk may transfer calls.  'allow': a REFER it
-- sends inside a call crosses to the other side (Refer-To and Replaces
-- rewritten); 'deny': it is answered 403 and nothing crosses.

ALTER TABLE trunk ADD COLUMN refer TEXT NOT NULL DEFAULT 'allow' CHECK (refer IN ('allow', 'deny'));
