-- Version 1: the routing and admission policy.
-- Constraints here are the first line of defence; the loader validates
-- again (foreign keys are off by default in the sqlite3 shell) and names
-- the bad row when something slips through.

CREATE TABLE zone (
	id	INTEGER PRIMARY KEY,
	name	TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 31)
);

CREATE TABLE trunk (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 31),
	zone_id		INTEGER NOT NULL REFERENCES zone(id) ON DELETE RESTRICT,
	-- outbound digest credentials (RFC 3261 22.2); NULL: none
	auth_user	TEXT CHECK (auth_user IS NULL OR length(auth_user) BETWEEN 1 AND 63),
	auth_password	TEXT CHECK (auth_password IS NULL OR length(auth_password) <= 63),
	auth_realm	TEXT CHECK (auth_realm IS NULL OR length(auth_realm) <= 63),
	-- 1: challenge requests from this trunk
	inbound_auth	INTEGER NOT NULL DEFAULT 0 CHECK (inbound_auth IN (0, 1)),
	-- limits; 0 is unlimited
	max_calls_in	INTEGER NOT NULL DEFAULT 0 CHECK (max_calls_in >= 0),
	max_calls_out	INTEGER NOT NULL DEFAULT 0 CHECK (max_calls_out >= 0),
	max_calls	INTEGER NOT NULL DEFAULT 0 CHECK (max_calls >= 0),
	cps		REAL NOT NULL DEFAULT 0 CHECK (cps >= 0),
	cps_burst	INTEGER NOT NULL DEFAULT 0 CHECK (cps_burst >= 0),
	-- allowed codecs in order of preference, comma-separated ('' = any)
	codecs		TEXT NOT NULL DEFAULT '',
	from_domain	TEXT CHECK (from_domain IS NULL OR length(from_domain) BETWEEN 1 AND 127),
	to_domain	TEXT CHECK (to_domain IS NULL OR length(to_domain) BETWEEN 1 AND 127),
	-- 1: keep the P-Asserted-Identity this trunk sends (RFC 3325 trust)
	pai_trust	INTEGER NOT NULL DEFAULT 0 CHECK (pai_trust IN (0, 1)),
	media_mode	TEXT NOT NULL DEFAULT 'relay'
			CHECK (media_mode IN ('relay', 'srtp-required', 'srtp-offered', 'rtp-only')),
	-- RFC 4028 Session-Expires in seconds (0: none, else >= 90)
	session_timer	INTEGER NOT NULL DEFAULT 0 CHECK (session_timer = 0 OR session_timer >= 90),
	max_duration	INTEGER NOT NULL DEFAULT 0 CHECK (max_duration >= 0),
	-- a 3xx from this trunk: fail over, follow the Contact, or pass it back
	on_3xx		TEXT NOT NULL DEFAULT 'failover' CHECK (on_3xx IN ('failover', 'follow', 'pass'))
);

-- how a source is recognised as this trunk
CREATE TABLE trunk_source (
	id		INTEGER PRIMARY KEY,
	trunk_id	INTEGER NOT NULL REFERENCES trunk(id) ON DELETE CASCADE,
	address		TEXT NOT NULL,	-- 192.0.2.1, 192.0.2.0/24, 2001:db8::/32
	port		INTEGER NOT NULL DEFAULT 0 CHECK (port BETWEEN 0 AND 65535),
	transport	TEXT NOT NULL DEFAULT 'any' CHECK (transport IN ('any', 'udp', 'tcp', 'tls'))
);

-- where calls to this trunk go: lowest priority first, weight among equals
CREATE TABLE trunk_target (
	id		INTEGER PRIMARY KEY,
	trunk_id	INTEGER NOT NULL REFERENCES trunk(id) ON DELETE CASCADE,
	host		TEXT NOT NULL CHECK (length(host) BETWEEN 1 AND 253),
	port		INTEGER NOT NULL DEFAULT 5060 CHECK (port BETWEEN 1 AND 65535),
	transport	TEXT NOT NULL DEFAULT 'udp' CHECK (transport IN ('udp', 'tcp', 'tls')),
	priority	INTEGER NOT NULL DEFAULT 0 CHECK (priority >= 0),
	weight		INTEGER NOT NULL DEFAULT 1 CHECK (weight >= 0)
);

-- header policy on requests sent to this trunk
CREATE TABLE trunk_header (
	id		INTEGER PRIMARY KEY,
	trunk_id	INTEGER NOT NULL REFERENCES trunk(id) ON DELETE CASCADE,
	action		TEXT NOT NULL CHECK (action IN ('add', 'remove')),
	name		TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 63),
	value		TEXT CHECK (value IS NULL OR length(value) <= 255),
	CHECK ((action = 'add') = (value IS NOT NULL))
);

-- number rules, applied in seq order: 'in' on calls from the trunk before
-- routing, 'out' on calls to the trunk after it
CREATE TABLE number_rule (
	id		INTEGER PRIMARY KEY,
	trunk_id	INTEGER NOT NULL REFERENCES trunk(id) ON DELETE CASCADE,
	direction	TEXT NOT NULL CHECK (direction IN ('in', 'out')),
	field		TEXT NOT NULL CHECK (field IN ('ruri', 'from', 'to')),
	seq		INTEGER NOT NULL DEFAULT 0,
	strip		INTEGER NOT NULL DEFAULT 0 CHECK (strip BETWEEN 0 AND 32),
	prepend		TEXT NOT NULL DEFAULT '' CHECK (length(prepend) <= 32),
	-- POSIX extended regular expression and its replacement (\0..\9)
	match		TEXT,
	replace		TEXT,
	CHECK ((match IS NULL) = (replace IS NULL))
);

CREATE TABLE route (
	id		INTEGER PRIMARY KEY,
	-- NULL: calls from any trunk
	from_trunk_id	INTEGER REFERENCES trunk(id) ON DELETE CASCADE,
	-- longest digit prefix wins; '' matches every number
	prefix		TEXT NOT NULL DEFAULT ''
			CHECK (length(prefix) <= 31 AND prefix NOT GLOB '*[^0-9*#+]*'),
	-- optional POSIX extended regular expression on the R-URI user
	user_regex	TEXT,
	-- a number shorter than this is incomplete: 484 unless a route takes it
	min_length	INTEGER NOT NULL DEFAULT 0 CHECK (min_length BETWEEN 0 AND 32),
	-- time window: days ('mon-fri,sun'), local time [start, end) in tz;
	-- end before start runs past midnight into the next day
	days		TEXT NOT NULL DEFAULT 'mon-sun',
	time_start	TEXT NOT NULL DEFAULT '00:00',
	time_end	TEXT NOT NULL DEFAULT '24:00',
	tz		TEXT NOT NULL DEFAULT 'UTC',
	priority	INTEGER NOT NULL DEFAULT 0 CHECK (priority >= 0),
	weight		INTEGER NOT NULL DEFAULT 1 CHECK (weight >= 0),
	target_trunk_id	INTEGER NOT NULL REFERENCES trunk(id) ON DELETE RESTRICT,
	-- responses that move the call to the next route ('408,480,500-599')
	failover_codes	TEXT NOT NULL DEFAULT '408,500-599',
	-- seconds without a final answer before the next route (0: none)
	failover_timeout INTEGER NOT NULL DEFAULT 0 CHECK (failover_timeout >= 0),
	max_attempts	INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 8)
);
CREATE INDEX route_prefix ON route(prefix);

CREATE TABLE blocked_prefix (
	id		INTEGER PRIMARY KEY,
	-- NULL: calls from any trunk
	trunk_id	INTEGER REFERENCES trunk(id) ON DELETE CASCADE,
	prefix		TEXT NOT NULL CHECK (length(prefix) BETWEEN 1 AND 31
					     AND prefix NOT GLOB '*[^0-9*#+]*'),
	reason		TEXT NOT NULL DEFAULT ''
);

CREATE TABLE blocked_source (
	id		INTEGER PRIMARY KEY,
	address		TEXT NOT NULL,	-- address or CIDR prefix
	reason		TEXT NOT NULL DEFAULT ''
);
