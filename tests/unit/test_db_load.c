/* Loading snapshots from SQLite: the lab, validation that names the bad
 * row, time zone names, the loader thread following changes, and the CDR
 * writer. */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "test_policy_fixture.h"
#include "testutil.h"

static char dir[64];
static char path[128];

static void setup(void)
{
	struct db *db;

	strcpy(dir, "/tmp/test_dbl_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/policy.db", dir);
	ck_assert_int_eq(db_open(&db, path, DB_OPEN_CREATE | DB_OPEN_LAB), 0);
	db_close(db);
}

static void teardown(void)
{
	char p[160];

	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	unlink(path);
	rmdir(dir);
}

/* as an operator in the sqlite3 shell: foreign keys not enforced; one
 * transaction, so the loader sees all of it or nothing */
static void exec_raw(const char *q)
{
	sqlite3 *sql;
	char *msg = NULL;

	ck_assert_int_eq(sqlite3_open(path, &sql), SQLITE_OK);
	sqlite3_busy_timeout(sql, 5000);
	ck_assert_int_eq(sqlite3_exec(sql, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(sql, q, NULL, NULL, &msg) == SQLITE_OK, "%s", msg);
	ck_assert_int_eq(sqlite3_exec(sql, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(sql);
}

static long long query_int(const char *q)
{
	sqlite3 *sql;
	sqlite3_stmt *st;
	long long v = -1;

	ck_assert_int_eq(sqlite3_open(path, &sql), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(sql, q, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(sql);
	return v;
}

static int load(struct policy_snapshot **sp, char *err, size_t errsz)
{
	struct db *db;
	int rc;

	ck_assert_int_eq(db_open(&db, path, 0), 0);
	rc = db_snapshot_load(db, sp, err, errsz);
	db_close(db);
	return rc;
}

START_TEST(lab_snapshot_routes_pbx_to_carrier_and_back)
{
	struct policy_snapshot *s;
	struct sockaddr_storage pbx = fx_addr("127.0.0.11", 5060), unknown = fx_addr("127.0.0.99", 5060);
	const struct policy_trunk *t;
	struct policy_decision d;
	char err[DB_ERR_MAX];

	ck_assert_msg(load(&s, err, sizeof(err)) == 0, "%s", err);
	t = policy_trunk_match(s, &pbx, POLICY_TP_UDP);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t->name, "pbx");
	ck_assert_str_eq(t->zone, "internal");
	ck_assert_ptr_null(policy_trunk_match(s, &unknown, POLICY_TP_UDP));
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(policy_decide(s, t, "0123", "alice", "0123", time(NULL), 7, &d), 0);
	ck_assert_int_eq(d.status, 0);
	ck_assert_str_eq(d.attempts[0].trunk->name, "carrier");
	ck_assert_str_eq(d.attempts[0].targets[0]->host, "127.0.0.21");
	ck_assert_uint_eq(d.attempts[0].targets[0]->port, 5060);
	ck_assert_int_eq(policy_decide(s, policy_trunk_by_name(s, "carrier"), "0123", "a", "b",
				       time(NULL), 7, &d), 0);
	ck_assert_str_eq(d.attempts[0].trunk->name, "pbx");
	policy_snapshot_unref(s);
}
END_TEST

START_TEST(refer_setting_reaches_the_trunk)
{
	struct policy_snapshot *s;
	char err[DB_ERR_MAX];

	/* migration 3: transfers allowed unless the trunk says deny */
	ck_assert_msg(load(&s, err, sizeof(err)) == 0, "%s", err);
	ck_assert(!policy_trunk_by_name(s, "pbx")->refer_deny);
	ck_assert(!policy_trunk_by_name(s, "carrier")->refer_deny);
	policy_snapshot_unref(s);
	exec_raw("UPDATE trunk SET refer = 'deny' WHERE name = 'carrier'");
	ck_assert_msg(load(&s, err, sizeof(err)) == 0, "%s", err);
	ck_assert(!policy_trunk_by_name(s, "pbx")->refer_deny);
	ck_assert(policy_trunk_by_name(s, "carrier")->refer_deny);
	policy_snapshot_unref(s);
	ck_assert_int_eq(query_int("SELECT count(*) FROM trunk WHERE refer = 'allow'"), 1);
}
END_TEST

START_TEST(bad_rows_are_named)
{
	struct policy_snapshot *s = NULL;
	char err[DB_ERR_MAX];

	exec_raw("INSERT INTO route (id, prefix, target_trunk_id) VALUES (7, '9', 9)");
	ck_assert_int_eq(load(&s, err, sizeof(err)), EINVAL);
	ck_assert_ptr_null(s);
	ck_assert_str_eq(err, "route 7: target trunk 9 does not exist");
	exec_raw("DELETE FROM route WHERE id = 7;"
		 "INSERT INTO trunk_source (trunk_id, address) VALUES (2, '10.0.0.0/33')");
	ck_assert_int_eq(load(&s, err, sizeof(err)), EINVAL);
	ck_assert_str_eq(err, "trunk carrier: source \"10.0.0.0/33\" is not an address or prefix");
	exec_raw("DELETE FROM trunk_source WHERE address = '10.0.0.0/33';"
		 "UPDATE route SET tz = 'Mars/Olympus' WHERE from_trunk_id = 1");
	ck_assert_int_eq(load(&s, err, sizeof(err)), EINVAL);
	ck_assert_msg(strstr(err, "time zone \"Mars/Olympus\" is unknown") != NULL, "%s", err);
	exec_raw("UPDATE route SET tz = 'UTC', days = 'weekdays' WHERE from_trunk_id = 1");
	ck_assert_int_eq(load(&s, err, sizeof(err)), EINVAL);
	ck_assert_msg(strstr(err, "days \"weekdays\"") != NULL, "%s", err);
}
END_TEST

START_TEST(zone_names_resolve_to_rules)
{
	char rule[POLICY_TZ_MAX];

	ck_assert_int_eq(db_tz_rule("UTC", rule, sizeof(rule)), 0);
	ck_assert_str_eq(rule, "UTC0");
	ck_assert_int_eq(db_tz_rule("EST5EDT,M3.2.0,M11.1.0", rule, sizeof(rule)), 0);
	ck_assert_int_eq(db_tz_rule("../../etc/passwd", rule, sizeof(rule)), EINVAL);
	if (access("/usr/share/zoneinfo/Europe/Paris", R_OK) == 0) {
		ck_assert_int_eq(db_tz_rule("Europe/Paris", rule, sizeof(rule)), 0);
		ck_assert_str_eq(rule, "CET-1CEST,M3.5.0,M10.5.0/3");
	}
}
END_TEST

/* the loader's handler, on the loader thread */
struct seen {
	pthread_mutex_t mtx;
	unsigned calls;
	struct policy_snapshot *last;
};

static void on_snapshot(struct policy_snapshot *s, void *arg)
{
	struct seen *sn = arg;

	pthread_mutex_lock(&sn->mtx);
	if (sn->last)
		policy_snapshot_unref(sn->last);
	sn->last = s;
	sn->calls++;
	pthread_mutex_unlock(&sn->mtx);
}

/* waits up to 5 s for the handler to have run `calls` times */
static bool wait_calls(struct seen *sn, unsigned calls)
{
	for (int i = 0; i < 500; i++) {
		bool done;

		pthread_mutex_lock(&sn->mtx);
		done = sn->calls >= calls;
		pthread_mutex_unlock(&sn->mtx);
		if (done)
			return true;
		usleep(10000);
	}
	return false;
}

static const char *first_trunk(struct seen *sn, const char *from)
{
	static char name[POLICY_NAME_MAX];
	struct policy_decision d;

	memset(&d, 0, sizeof(d));
	pthread_mutex_lock(&sn->mtx);
	ck_assert_int_eq(policy_decide(sn->last, policy_trunk_by_name(sn->last, from), "123", "a",
				       "b", 0, 1, &d), 0);
	snprintf(name, sizeof(name), "%s", d.status ? "-" : d.attempts[0].trunk->name);
	pthread_mutex_unlock(&sn->mtx);
	return name;
}

START_TEST(loader_follows_changes_and_keeps_the_old_policy_on_error)
{
	struct seen sn = { .mtx = PTHREAD_MUTEX_INITIALIZER };
	struct db_loader *l;
	char err[DB_ERR_MAX];

	ck_assert_int_eq(db_loader_start(&l, path, 20, on_snapshot, &sn), 0);
	ck_assert(wait_calls(&sn, 1));
	ck_assert_str_eq(first_trunk(&sn, "pbx"), "carrier");

	/* a new trunk and the route moved to it, while "calls run" */
	exec_raw("INSERT INTO trunk (id, name, zone_id) VALUES (3, 'carrier2', 2);"
		 "INSERT INTO trunk_target (trunk_id, host) VALUES (3, '127.0.0.22');"
		 "UPDATE route SET target_trunk_id = 3 WHERE from_trunk_id = 1");
	ck_assert(wait_calls(&sn, 2));
	ck_assert_str_eq(first_trunk(&sn, "pbx"), "carrier2");

	/* a broken change is refused: no new snapshot, the error names the row */
	exec_raw("INSERT INTO route (id, prefix, target_trunk_id) VALUES (7, '9', 9)");
	for (int i = 0; i < 500; i++) {
		db_loader_last_error(l, err, sizeof(err));
		if (err[0])
			break;
		usleep(10000);
	}
	ck_assert_str_eq(err, "route 7: target trunk 9 does not exist");
	ck_assert_uint_eq(sn.calls, 2);
	ck_assert_str_eq(first_trunk(&sn, "pbx"), "carrier2");

	exec_raw("DELETE FROM route WHERE id = 7");
	ck_assert(wait_calls(&sn, 3));
	db_loader_last_error(l, err, sizeof(err));
	ck_assert_str_eq(err, "");
	db_loader_stop(l);
	policy_snapshot_unref(sn.last);
}
END_TEST

static struct db_cdr cdr_fixture(unsigned i)
{
	struct db_cdr c;

	memset(&c, 0, sizeof(c));
	snprintf(c.call_id, sizeof(c.call_id), "c%04u", i);
	c.attempt = 1;
	strcpy(c.leg_a, "a1");
	strcpy(c.leg_b, "b1");
	strcpy(c.from_trunk, "pbx");
	strcpy(c.to_trunk, "carrier");
	c.route_id = 1;
	strcpy(c.ruri_user, "0123");
	c.status = 200;
	strcpy(c.reason, "OK");
	c.setup_time = 1700000000.0;
	c.answer_time = 1700000002.0;
	c.end_time = 1700000062.5;
	c.hangup_by = DB_HANGUP_CALLEE;
	c.n_streams = 1;
	c.streams[0].leg = 'a';
	c.streams[0].packets_in = 3000;
	c.streams[0].lost = 4;
	c.streams[0].jitter_ms = 1.5;
	return c;
}

/* The CDR writer commits to the same file: its batches move data_version
 * but not the policy's revision, so they load nothing; a policy change
 * made between two batches still does. */
START_TEST(loader_ignores_cdr_batches)
{
	struct seen sn = { .mtx = PTHREAD_MUTEX_INITIALIZER };
	struct db_cdr_writer *w;
	struct db_loader *l;
	uint64_t rows = 0, batches = 0;
	struct db_cdr c;

	ck_assert_int_eq(db_loader_start(&l, path, 5, on_snapshot, &sn), 0);
	ck_assert(wait_calls(&sn, 1));
	ck_assert_int_eq(db_cdr_writer_start(&w, path, 60000, 1), 0);
	for (unsigned i = 0; i < 20; i++) {
		c = cdr_fixture(i);
		ck_assert_int_eq(db_cdr_submit(w, &c), 0);
		/* each row is its own batch, and the loader polls in between */
		for (int k = 0; k < 500 && rows < i + 1; k++) {
			usleep(1000);
			db_cdr_writer_stats(w, &rows, &batches);
		}
		ck_assert_uint_eq(rows, i + 1);
		usleep(15000);
	}
	ck_assert_uint_ge(batches, 20);
	ck_assert_int_eq(query_int("SELECT count(*) FROM cdr"), 20);
	pthread_mutex_lock(&sn.mtx);
	ck_assert_uint_eq(sn.calls, 1);
	pthread_mutex_unlock(&sn.mtx);

	exec_raw("UPDATE route SET priority = priority WHERE id = 1");
	ck_assert(wait_calls(&sn, 2));
	c = cdr_fixture(99);
	ck_assert_int_eq(db_cdr_submit(w, &c), 0);
	ck_assert_int_eq(db_cdr_writer_stop(w), 0);
	usleep(50000);
	db_loader_stop(l);
	ck_assert_uint_eq(sn.calls, 2);
	policy_snapshot_unref(sn.last);
}
END_TEST

START_TEST(cdr_stop_writes_every_queued_record)
{
	struct db_cdr_writer *w;
	struct db_cdr c;

	/* a long batch period: only the stop can have written them */
	ck_assert_int_eq(db_cdr_writer_start(&w, path, 60000, 100000), 0);
	for (unsigned i = 0; i < 500; i++) {
		c = cdr_fixture(i);
		ck_assert_int_eq(db_cdr_submit(w, &c), 0);
	}
	ck_assert_int_eq(db_cdr_writer_stop(w), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM cdr"), 500);
	ck_assert_int_eq(query_int("SELECT count(*) FROM cdr_stream WHERE lost = 4"), 500);
	ck_assert_int_eq(query_int("SELECT CAST(duration * 10 AS INTEGER) FROM cdr "
				   "WHERE call_id = 'c0007'"), 605);
	ck_assert_int_eq(query_int("SELECT count(*) FROM cdr WHERE hangup_by = 'callee'"), 500);
}
END_TEST

START_TEST(cdr_batches_by_rows_and_by_time)
{
	struct db_cdr_writer *w;
	uint64_t rows = 0, batches = 0;
	struct db_cdr c;

	ck_assert_int_eq(db_cdr_writer_start(&w, path, 60000, 50), 0);
	for (unsigned i = 0; i < 200; i++) {
		c = cdr_fixture(i);
		ck_assert_int_eq(db_cdr_submit(w, &c), 0);
	}
	for (int i = 0; i < 500 && rows < 150; i++) {
		usleep(10000);
		db_cdr_writer_stats(w, &rows, &batches);
	}
	/* full batches are written long before the 60 s period, in a few
	 * transactions; a remainder under 50 rows waits for the period */
	ck_assert_uint_ge(rows, 150);
	ck_assert_uint_le(batches, 4);
	ck_assert_int_eq(db_cdr_writer_stop(w), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM cdr"), 200);

	ck_assert_int_eq(db_cdr_writer_start(&w, path, 100, 100000), 0);
	for (unsigned i = 0; i < 3; i++) {
		c = cdr_fixture(1000 + i);
		ck_assert_int_eq(db_cdr_submit(w, &c), 0);
	}
	rows = 0;
	for (int i = 0; i < 500 && rows < 3; i++) {
		usleep(10000);
		db_cdr_writer_stats(w, &rows, &batches);
	}
	ck_assert_uint_eq(rows, 3);
	ck_assert_uint_eq(batches, 1);
	ck_assert_int_eq(query_int("SELECT count(*) FROM cdr"), 203);
	ck_assert_int_eq(db_cdr_writer_stop(w), 0);
}
END_TEST

START_TEST(cdr_bad_row_is_skipped_and_the_rest_of_its_batch_written)
{
	struct db_cdr_writer *w;
	struct db_cdr c;

	/* one batch of 10 whose first, fifth and last rows break the status
	 * CHECK and whose seventh has a stream twice (its cdr row is fine
	 * alone): each is left out whole, the 6 others and their streams are
	 * kept */
	ck_assert_int_eq(db_cdr_writer_start(&w, path, 60000, 100000), 0);
	for (unsigned i = 0; i < 10; i++) {
		c = cdr_fixture(i);
		if (i == 0 || i == 4 || i == 9)
			c.status = 7;
		if (i == 6) {
			c.streams[1] = c.streams[0];
			c.n_streams = 2;
		}
		ck_assert_int_eq(db_cdr_submit(w, &c), 0);
	}
	ck_assert_int_eq(db_cdr_writer_stop(w), EIO);
	ck_assert_int_eq(query_int("SELECT count(*) FROM cdr"), 6);
	ck_assert_int_eq(query_int("SELECT count(*) FROM cdr WHERE call_id IN "
				   "('c0000', 'c0004', 'c0006', 'c0009')"), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM cdr_stream"), 6);
	ck_assert_int_eq(query_int("SELECT count(*) FROM cdr_stream s JOIN cdr ON cdr.id = s.cdr_id"), 6);

	/* and the writer goes on as before */
	ck_assert_int_eq(db_cdr_writer_start(&w, path, 60000, 100000), 0);
	for (unsigned i = 10; i < 15; i++) {
		c = cdr_fixture(i);
		ck_assert_int_eq(db_cdr_submit(w, &c), 0);
	}
	ck_assert_int_eq(db_cdr_writer_stop(w), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM cdr"), 11);
}
END_TEST

static Suite *db_load_suite(void)
{
	Suite *s = suite_create("db_load");
	TCase *tl = tcase_create("load");
	TCase *tr = tcase_create("loader");
	TCase *tc = tcase_create("cdr");

	tcase_add_checked_fixture(tl, setup, teardown);
	tcase_add_checked_fixture(tr, setup, teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tl, lab_snapshot_routes_pbx_to_carrier_and_back);
	tcase_add_test(tl, bad_rows_are_named);
	tcase_add_test(tl, refer_setting_reaches_the_trunk);
	tcase_add_test(tl, zone_names_resolve_to_rules);
	tcase_add_test(tr, loader_follows_changes_and_keeps_the_old_policy_on_error);
	tcase_add_test(tr, loader_ignores_cdr_batches);
	tcase_add_test(tc, cdr_stop_writes_every_queued_record);
	tcase_add_test(tc, cdr_batches_by_rows_and_by_time);
	tcase_add_test(tc, cdr_bad_row_is_skipped_and_the_rest_of_its_batch_written);
	suite_add_tcase(s, tl);
	suite_add_tcase(s, tr);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(db_load_suite());
}
