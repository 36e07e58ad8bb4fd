-- Version 2: call detail records, one row per call attempt.
-- Trunks are recorded by name, not by reference: a CDR outlives the trunk.
-- Leg and call identifiers are ours, never the other side's.

CREATE TABLE cdr (
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
	hangup_by	TEXT CHECK (hangup_by IS NULL OR hangup_by IN ('caller', 'callee', 'b2bua'))
);
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
);
