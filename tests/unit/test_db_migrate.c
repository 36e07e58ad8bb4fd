/* The schema: creation with the lab's content, upgrades, refusing a newer
 * file, and constraints that keep an inconsistent policy out. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "testutil.h"

static char dir[64];
static char path[128];

static void setup(void)
{
	strcpy(dir, "/tmp/test_db_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/policy.db", dir);
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

static void exec_raw(const char *q)
{
	sqlite3 *sql;

	ck_assert_int_eq(sqlite3_open(path, &sql), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(sql, q, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(sql);
}

START_TEST(missing_file_is_not_created_unless_asked)
{
	struct db *db = NULL;

	ck_assert_int_eq(db_open(&db, path, 0), ENOENT);
	ck_assert_ptr_null(db);
	ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

START_TEST(create_with_lab_has_latest_version_and_lab_trunks)
{
	struct db *db;
	int v;

	ck_assert_int_eq(db_open(&db, path, DB_OPEN_CREATE | DB_OPEN_LAB), 0);
	ck_assert_int_eq(db_version(db, &v), 0);
	ck_assert_int_eq(v, db_schema_version());
	ck_assert_int_ge(v, 2);
	db_close(db);
	ck_assert_int_eq(query_int("SELECT count(*) FROM trunk WHERE name IN ('pbx','carrier')"), 2);
	ck_assert_int_eq(query_int("SELECT count(*) FROM route"), 2);
	ck_assert_int_eq(query_int("SELECT count(*) FROM zone"), 2);
}
END_TEST

START_TEST(create_without_lab_is_empty)
{
	struct db *db;

	ck_assert_int_eq(db_open(&db, path, DB_OPEN_CREATE), 0);
	db_close(db);
	ck_assert_int_eq(query_int("SELECT count(*) FROM trunk"), 0);
	/* reopening with DB_OPEN_LAB does not add the lab to an existing file */
	ck_assert_int_eq(db_open(&db, path, DB_OPEN_CREATE | DB_OPEN_LAB), 0);
	db_close(db);
	ck_assert_int_eq(query_int("SELECT count(*) FROM trunk"), 0);
}
END_TEST

START_TEST(older_version_is_upgraded_keeping_rows)
{
	struct db *db;
	int v;

	ck_assert_int_eq(db_open(&db, path, DB_OPEN_CREATE | DB_OPEN_NO_MIGRATE), 0);
	ck_assert_int_eq(db_migrate(db, 1), 0);
	ck_assert_int_eq(db_version(db, &v), 0);
	ck_assert_int_eq(v, 1);
	db_close(db);
	exec_raw("INSERT INTO zone (id, name) VALUES (5, 'dmz')");
	ck_assert_int_eq(query_int("SELECT count(*) FROM sqlite_master WHERE name = 'cdr'"), 0);

	ck_assert_int_eq(db_open(&db, path, 0), 0);
	ck_assert_int_eq(db_version(db, &v), 0);
	ck_assert_int_eq(v, db_schema_version());
	db_close(db);
	ck_assert_int_eq(query_int("SELECT count(*) FROM sqlite_master WHERE name = 'cdr'"), 1);
	ck_assert_int_eq(query_int("SELECT id FROM zone WHERE name = 'dmz'"), 5);
}
END_TEST

/* a statement's result code with foreign keys on, as our connections run */
static int exec_fk(const char *q)
{
	sqlite3 *sql;
	int rc;

	ck_assert_int_eq(sqlite3_open(path, &sql), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(sql, "PRAGMA foreign_keys = ON", NULL, NULL, NULL), SQLITE_OK);
	rc = sqlite3_exec(sql, q, NULL, NULL, NULL);
	sqlite3_close(sql);
	return rc;
}

START_TEST(version_3_cdrs_are_kept_by_version_4_with_the_same_rules)
{
	struct db *db;

	ck_assert_int_eq(db_open(&db, path, DB_OPEN_CREATE | DB_OPEN_NO_MIGRATE), 0);
	ck_assert_int_eq(db_migrate(db, 3), 0);
	db_close(db);
	ck_assert_int_eq(exec_fk("INSERT INTO cdr (id, call_id, status, setup_time, hangup_by) VALUES "
				 "(7, 'c7', 200, 1.5, 'callee'), (9, 'c9', 486, 2.5, NULL);"
				 "INSERT INTO cdr_stream (cdr_id, idx, leg, lost, jitter_ms) VALUES "
				 "(7, 0, 'a', 3, 1.25), (7, 0, 'b', 4, 2.0)"), SQLITE_OK);

	ck_assert_int_eq(db_open(&db, path, 0), 0);
	db_close(db);
	ck_assert_int_eq(query_int("PRAGMA user_version"), db_schema_version());
	ck_assert_int_eq(query_int("SELECT count(*) FROM cdr"), 2);
	ck_assert_int_eq(query_int("SELECT id FROM cdr WHERE call_id = 'c9' AND status = 486 "
				   "AND hangup_by IS NULL"), 9);
	ck_assert_int_eq(query_int("SELECT count(*) FROM cdr_stream WHERE cdr_id = 7"), 2);
	ck_assert_int_eq(query_int("SELECT lost FROM cdr_stream WHERE cdr_id = 7 AND leg = 'b'"), 4);
	ck_assert_int_eq(query_int("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
				   "name IN ('cdr_call', 'cdr_setup')"), 2);
	ck_assert_int_eq(query_int("SELECT count(*) FROM sqlite_temp_master"), 0);

	/* hangup_by: the same three names and NULL, nothing else */
	ck_assert_int_eq(exec_fk("INSERT INTO cdr (call_id, status, setup_time, hangup_by) "
				 "VALUES ('c10', 200, 3, 'nobody')"), SQLITE_CONSTRAINT);
	ck_assert_int_eq(exec_fk("INSERT INTO cdr (call_id, status, setup_time, hangup_by) "
				 "VALUES ('c11', 200, 3, 'Caller')"), SQLITE_CONSTRAINT);
	ck_assert_int_eq(exec_fk("INSERT INTO cdr (call_id, status, setup_time, hangup_by) VALUES "
				 "('c12', 200, 3, 'caller'), ('c13', 200, 3, 'b2bua')"), SQLITE_OK);
	/* the streams still belong to their cdr row */
	ck_assert_int_eq(exec_fk("INSERT INTO cdr_stream (cdr_id, idx, leg) VALUES (99, 0, 'a')"),
			 SQLITE_CONSTRAINT);
	ck_assert_int_eq(exec_fk("DELETE FROM cdr WHERE id = 7"), SQLITE_OK);
	ck_assert_int_eq(query_int("SELECT count(*) FROM cdr_stream"), 0);
}
END_TEST

/* every table but the CDR ones and the revision itself raises the policy's
 * revision on insert, update and delete; a CDR row leaves it alone */
START_TEST(every_policy_table_moves_the_revision_and_cdrs_do_not)
{
	struct db *db;
	long long rev;

	ck_assert_int_eq(db_open(&db, path, DB_OPEN_CREATE | DB_OPEN_LAB), 0);
	db_close(db);
	ck_assert_int_gt(query_int("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
				   "name NOT IN ('cdr', 'cdr_stream', 'policy_revision') AND "
				   "name NOT LIKE 'sqlite_%'"), 8);
	/* a policy table without all three triggers */
	ck_assert_int_eq(query_int("SELECT count(*) FROM sqlite_master t WHERE t.type = 'table' AND "
				   "t.name NOT IN ('cdr', 'cdr_stream', 'policy_revision') AND "
				   "t.name NOT LIKE 'sqlite_%' AND (SELECT count(*) FROM sqlite_master g "
				   "WHERE g.type = 'trigger' AND g.tbl_name = t.name AND "
				   "g.sql LIKE '%UPDATE policy_revision SET rev = rev + 1%' AND ("
				   "g.sql LIKE '%AFTER INSERT ON%' OR g.sql LIKE '%AFTER UPDATE ON%' OR "
				   "g.sql LIKE '%AFTER DELETE ON%')) != 3"), 0);

	rev = query_int("SELECT rev FROM policy_revision");
	ck_assert_int_gt(rev, 0);
	exec_raw("INSERT INTO cdr (call_id, status, setup_time) VALUES ('c1', 200, 1)");
	ck_assert_int_eq(query_int("SELECT count(*) FROM cdr"), 1);
	ck_assert_int_eq(query_int("SELECT rev FROM policy_revision"), rev);
	exec_raw("INSERT INTO zone (id, name) VALUES (5, 'dmz')");
	ck_assert_int_eq(query_int("SELECT rev FROM policy_revision"), rev + 1);
	exec_raw("UPDATE zone SET name = 'dmz2' WHERE id = 5");
	ck_assert_int_eq(query_int("SELECT rev FROM policy_revision"), rev + 2);
	exec_raw("DELETE FROM zone WHERE id = 5");
	ck_assert_int_eq(query_int("SELECT rev FROM policy_revision"), rev + 3);
}
END_TEST

START_TEST(newer_version_is_refused)
{
	struct db *db = NULL;

	ck_assert_int_eq(db_open(&db, path, DB_OPEN_CREATE), 0);
	db_close(db);
	db = NULL;
	exec_raw("PRAGMA user_version = 99");
	ck_assert_int_eq(db_open(&db, path, 0), EPROTO);
	ck_assert_ptr_null(db);
	/* and it was left as it was */
	ck_assert_int_eq(query_int("PRAGMA user_version"), 99);
}
END_TEST

START_TEST(script_breaking_a_reference_is_rolled_back)
{
	char err[DB_ERR_MAX];
	struct db *db;

	ck_assert_int_eq(db_open(&db, path, DB_OPEN_CREATE | DB_OPEN_LAB), 0);
	ck_assert_int_eq(db_exec_script(db, "INSERT INTO route (prefix, target_trunk_id) VALUES ('1', 2);"
					"INSERT INTO route (prefix, target_trunk_id) VALUES ('2', 9);",
					err, sizeof(err)), EINVAL);
	ck_assert_msg(strstr(err, "FOREIGN KEY") != NULL, "err: %s", err);
	ck_assert_int_eq(db_exec_script(db, "UPDATE trunk SET max_calls = -1 WHERE name = 'pbx'",
					err, sizeof(err)), EINVAL);
	ck_assert_msg(strstr(err, "CHECK") != NULL, "err: %s", err);
	ck_assert_int_eq(db_exec_script(db, "UPDATE trunk SET media_mode = 'loud' WHERE id = 1",
					err, sizeof(err)), EINVAL);
	db_close(db);
	/* the first statement of the failed script did not stay either */
	ck_assert_int_eq(query_int("SELECT count(*) FROM route"), 2);
	ck_assert_int_eq(query_int("SELECT max_calls FROM trunk WHERE name = 'pbx'"), 0);
}
END_TEST

static Suite *db_migrate_suite(void)
{
	Suite *s = suite_create("db_migrate");
	TCase *tc = tcase_create("schema");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, missing_file_is_not_created_unless_asked);
	tcase_add_test(tc, create_with_lab_has_latest_version_and_lab_trunks);
	tcase_add_test(tc, create_without_lab_is_empty);
	tcase_add_test(tc, older_version_is_upgraded_keeping_rows);
	tcase_add_test(tc, version_3_cdrs_are_kept_by_version_4_with_the_same_rules);
	tcase_add_test(tc, every_policy_table_moves_the_revision_and_cdrs_do_not);
	tcase_add_test(tc, newer_version_is_refused);
	tcase_add_test(tc, script_breaking_a_reference_is_rolled_back);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(db_migrate_suite());
}
