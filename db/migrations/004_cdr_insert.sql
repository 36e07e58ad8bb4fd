-- Version 4: the cdr table's hangup_by CHECK compares with each name
-- instead of an IN list.  The rule is the same, but SQLite evaluates an IN
-- list of three or more values in a CHECK through a temporary b-tree that
-- it builds anew for every row inserted: that was half of the CDR writer's
-- work per call.
--
-- A CHECK cannot be changed in place: cdr is copied into a new table,
-- every id kept.  cdr_stream goes aside and comes back around it, since
-- dropping cdr with foreign keys on would delete the streams; it comes
-- back WITHOUT ROWID, stored in its primary key's b-tree alone instead of
-- a table and an index that every stream row had to go into.

CREATE TEMP TABLE cdr_stream_v3 AS SELECT * FROM main.cdr_stream;
DROP TABLE main.cdr_stream;

CREATE TABLE cdr_v4 (
	id		INTEGER PRIMARY KEY,
	call_id		TEXT NOT NULL,		-- our call identifier
	attempt		INTEGER NOT NULL DEFAULT 1 CHECK (attempt >= 1),
	leg_a		TEXT,			-- our inbound leg id
	leg_b		TEXT,			-- our outbound leg id
	from_trunk	TEXT,
	to_trunk	TEXT,
	route_id	INTEGER,
	failover	TEXT,			-- why the previous attempt moved on
	ruri_user	TEXT,
	from_user	TEXT,
	to_user		TEXT,
	status		INTEGER NOT NULL CHECK (status BETWEEN 100 AND 699),
	reason		TEXT NOT NULL DEFAULT '',
	setup_time	REAL NOT NULL,		-- Unix time, seconds
	answer_time	REAL,
	end_time	REAL,
	duration	REAL CHECK (duration IS NULL OR duration >= 0),
	-- not IN (...): see above
	hangup_by	TEXT CHECK (hangup_by IS NULL OR hangup_by = 'caller' OR
				    hangup_by = 'callee' OR hangup_by = 'b2bua')
);
INSERT INTO cdr_v4 SELECT * FROM main.cdr;
DROP TABLE main.cdr;
ALTER TABLE cdr_v4 RENAME TO cdr;
CREATE INDEX cdr_call ON cdr(call_id);
CREATE INDEX cdr_setup ON cdr(setup_time);

CREATE TABLE cdr_stream (
	cdr_id		INTEGER NOT NULL REFERENCES cdr(id) ON DELETE CASCADE,
	idx		INTEGER NOT NULL,	-- m-line index
	leg		TEXT NOT NULL CHECK (leg IN ('a', 'b')),
	packets_in	INTEGER NOT NULL DEFAULT 0,
	packets_out	INTEGER NOT NULL DEFAULT 0,
	bytes_in	INTEGER NOT NULL DEFAULT 0,
	bytes_out	INTEGER NOT NULL DEFAULT 0,
	lost		INTEGER NOT NULL DEFAULT 0,
	jitter_ms	REAL NOT NULL DEFAULT 0,
	PRIMARY KEY (cdr_id, idx, leg)
) WITHOUT ROWID;
INSERT INTO cdr_stream SELECT * FROM temp.cdr_stream_v3;
DROP TABLE temp.cdr_stream_v3;
