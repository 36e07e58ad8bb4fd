/* Reading the policy out of SQLite into a snapshot, in one read
 * transaction so the snapshot is consistent. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "db_priv.h"

struct load {
	struct db *db;
	struct policy_builder *b;
	char *err;
	size_t errsz;
	/* resolved time zones, by name, for this load */
	struct { char name[POLICY_TZ_MAX], rule[POLICY_TZ_MAX]; } tzs[16];
	unsigned n_tzs;
};

typedef int (row_h)(struct load *ld, sqlite3_stmt *st);

static int each_row(struct load *ld, const char *q, row_h *h)
{
	sqlite3_stmt *st;
	int rc, err;

	err = db_prepare(ld->db->sql, q, &st);
	if (err) {
		snprintf(ld->err, ld->errsz, "cannot read the policy: %s", sqlite3_errmsg(ld->db->sql));
		return err;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		err = h(ld, st);
		if (err)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		snprintf(ld->err, ld->errsz, "cannot read the policy: %s", sqlite3_errmsg(ld->db->sql));
		err = db_sql_err(ld->db->sql, rc, "load");
	}
out:
	sqlite3_finalize(st);
	return err;
}

static unsigned col_u(sqlite3_stmt *st, int col)
{
	sqlite3_int64 v = sqlite3_column_int64(st, col);

	/* the schema's CHECKs keep these non-negative */
	return v < 0 ? 0 : v > (sqlite3_int64)UINT32_MAX ? UINT32_MAX : (unsigned)v;
}

static int trunk_row(struct load *ld, sqlite3_stmt *st)
{
	struct policy_trunk_def d;

	memset(&d, 0, sizeof(d));
	d.id = sqlite3_column_int64(st, 0);
	d.name = db_col_text(st, 1);
	d.zone = db_col_text(st, 2);
	if (!d.zone) {
		snprintf(ld->err, ld->errsz, "trunk %s: zone %lld does not exist",
			 d.name ? d.name : "?", (long long)sqlite3_column_int64(st, 21));
		return EINVAL;
	}
	d.auth_user = db_col_text(st, 3);
	d.auth_password = db_col_text(st, 4);
	d.auth_realm = db_col_text(st, 5);
	d.inbound_auth = sqlite3_column_int(st, 6) != 0;
	d.limits.max_in = col_u(st, 7);
	d.limits.max_out = col_u(st, 8);
	d.limits.max_total = col_u(st, 9);
	d.limits.cps = sqlite3_column_double(st, 10);
	d.limits.burst = col_u(st, 11);
	d.codecs = db_col_text(st, 12);
	d.from_domain = db_col_text(st, 13);
	d.to_domain = db_col_text(st, 14);
	d.pai_trust = sqlite3_column_int(st, 15) != 0;
	d.media_mode = db_col_text(st, 16);
	d.session_timer = col_u(st, 17);
	d.max_duration = col_u(st, 18);
	d.on_3xx = db_col_text(st, 19);
	d.refer = db_col_text(st, 20);
	return policy_builder_trunk(ld->b, &d, ld->err, ld->errsz);
}

static int source_row(struct load *ld, sqlite3_stmt *st)
{
	return policy_builder_source(ld->b, sqlite3_column_int64(st, 0), db_col_text(st, 1),
				     col_u(st, 2), db_col_text(st, 3), ld->err, ld->errsz);
}

static int target_row(struct load *ld, sqlite3_stmt *st)
{
	return policy_builder_target(ld->b, sqlite3_column_int64(st, 0), db_col_text(st, 1),
				     col_u(st, 2), db_col_text(st, 3), col_u(st, 4), col_u(st, 5),
				     ld->err, ld->errsz);
}

static int header_row(struct load *ld, sqlite3_stmt *st)
{
	const char *action = db_col_text(st, 1);

	return policy_builder_header(ld->b, sqlite3_column_int64(st, 0),
				     action && strcmp(action, "add") == 0, db_col_text(st, 2),
				     db_col_text(st, 3), ld->err, ld->errsz);
}

static int rule_row(struct load *ld, sqlite3_stmt *st)
{
	const char *dir = db_col_text(st, 2), *field = db_col_text(st, 3);
	struct policy_rule_def d;

	memset(&d, 0, sizeof(d));
	d.id = sqlite3_column_int64(st, 0);
	d.trunk = sqlite3_column_int64(st, 1);
	d.dir = dir && strcmp(dir, "out") == 0 ? POLICY_DIR_OUT : POLICY_DIR_IN;
	d.field = !field || strcmp(field, "ruri") == 0 ? POLICY_FIELD_RURI
		: strcmp(field, "from") == 0 ? POLICY_FIELD_FROM : POLICY_FIELD_TO;
	d.strip = col_u(st, 4);
	d.prepend = db_col_text(st, 5);
	d.match = db_col_text(st, 6);
	d.replace = db_col_text(st, 7);
	return policy_builder_rule(ld->b, &d, ld->err, ld->errsz);
}

static const char *tz_rule(struct load *ld, const char *name)
{
	for (unsigned i = 0; i < ld->n_tzs; i++) {
		if (strcmp(ld->tzs[i].name, name) == 0)
			return ld->tzs[i].rule;
	}
	if (ld->n_tzs == sizeof(ld->tzs) / sizeof(ld->tzs[0]) ||
	    strlen(name) >= sizeof(ld->tzs[0].name) ||
	    db_tz_rule(name, ld->tzs[ld->n_tzs].rule, sizeof(ld->tzs[0].rule)))
		return NULL;
	strcpy(ld->tzs[ld->n_tzs].name, name);
	return ld->tzs[ld->n_tzs++].rule;
}

static int route_row(struct load *ld, sqlite3_stmt *st)
{
	struct policy_route_def d;

	memset(&d, 0, sizeof(d));
	d.id = sqlite3_column_int64(st, 0);
	d.from_trunk = sqlite3_column_int64(st, 1);
	d.prefix = db_col_text(st, 2);
	d.user_regex = db_col_text(st, 3);
	d.min_length = col_u(st, 4);
	d.days = db_col_text(st, 5);
	d.time_start = db_col_text(st, 6);
	d.time_end = db_col_text(st, 7);
	d.tz_name = db_col_text(st, 8);
	if (d.tz_name && !(d.tz = tz_rule(ld, d.tz_name))) {
		snprintf(ld->err, ld->errsz, "route %lld: time zone \"%s\" is unknown",
			 (long long)d.id, d.tz_name);
		return EINVAL;
	}
	d.priority = col_u(st, 9);
	d.weight = col_u(st, 10);
	d.target_trunk = sqlite3_column_int64(st, 11);
	d.failover_codes = db_col_text(st, 12);
	d.failover_timeout = col_u(st, 13);
	d.max_attempts = col_u(st, 14);
	return policy_builder_route(ld->b, &d, ld->err, ld->errsz);
}

static int block_prefix_row(struct load *ld, sqlite3_stmt *st)
{
	return policy_builder_block_prefix(ld->b, sqlite3_column_int64(st, 0),
					   sqlite3_column_int64(st, 1), db_col_text(st, 2),
					   db_col_text(st, 3), ld->err, ld->errsz);
}

static int block_source_row(struct load *ld, sqlite3_stmt *st)
{
	return policy_builder_block_source(ld->b, sqlite3_column_int64(st, 0), db_col_text(st, 1),
					   db_col_text(st, 2), ld->err, ld->errsz);
}

static const struct {
	const char *q;
	row_h *h;
} queries[] = {
	{ "SELECT t.id, t.name, z.name, auth_user, auth_password, auth_realm, inbound_auth, "
	  "max_calls_in, max_calls_out, max_calls, cps, cps_burst, codecs, from_domain, "
	  "to_domain, pai_trust, media_mode, session_timer, max_duration, on_3xx, refer, t.zone_id "
	  "FROM trunk t LEFT JOIN zone z ON z.id = t.zone_id ORDER BY t.id", trunk_row },
	{ "SELECT trunk_id, address, port, transport FROM trunk_source ORDER BY id", source_row },
	{ "SELECT trunk_id, host, port, transport, priority, weight FROM trunk_target "
	  "ORDER BY trunk_id, priority, id", target_row },
	{ "SELECT trunk_id, action, name, value FROM trunk_header ORDER BY id", header_row },
	{ "SELECT id, trunk_id, direction, field, strip, prepend, match, replace "
	  "FROM number_rule ORDER BY trunk_id, seq, id", rule_row },
	{ "SELECT id, from_trunk_id, prefix, user_regex, min_length, days, time_start, "
	  "time_end, tz, priority, weight, target_trunk_id, failover_codes, failover_timeout, "
	  "max_attempts FROM route ORDER BY id", route_row },
	{ "SELECT id, trunk_id, prefix, reason FROM blocked_prefix ORDER BY id", block_prefix_row },
	{ "SELECT id, address, reason FROM blocked_source ORDER BY id", block_source_row },
};

int db_snapshot_load(struct db *db, struct policy_snapshot **sp, char *err, size_t errsz)
{
	struct policy_snapshot *s = NULL;
	char dummy[DB_ERR_MAX];
	struct load ld;
	int rc, e, v;
	bool own_tx;

	memset(&ld, 0, sizeof(ld));
	ld.db = db;
	ld.err = err ? err : dummy;
	ld.errsz = err ? errsz : sizeof(dummy);
	ld.err[0] = '\0';
	e = db_version(db, &v);
	if (e)
		return e;
	if (v != db_schema_version()) {
		snprintf(ld.err, ld.errsz, "schema version %d, expected %d (run b2bua-policy migrate)",
			 v, db_schema_version());
		return EPROTO;
	}
	e = policy_builder_alloc(&ld.b);
	if (e)
		return e;
	/* inside a caller's transaction (the tool validating an edit before
	 * it commits) read within it; otherwise in a read transaction */
	own_tx = sqlite3_get_autocommit(db->sql) != 0;
	rc = own_tx ? sqlite3_exec(db->sql, "BEGIN", NULL, NULL, NULL) : SQLITE_OK;
	if (rc != SQLITE_OK) {
		e = db_sql_err(db->sql, rc, "begin");
		goto out;
	}
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]) && !e; i++)
		e = each_row(&ld, queries[i].q, queries[i].h);
	if (own_tx)
		sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL);
	if (!e)
		e = policy_builder_finish(ld.b, &s, ld.err, ld.errsz);
out:
	policy_builder_free(ld.b);
	if (e)
		return e;
	*sp = s;
	return 0;
}
