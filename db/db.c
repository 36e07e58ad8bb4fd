/* Opening the database and its versioned migrations. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "db_priv.h"

enum { DB_BUSY_TIMEOUT_MS = 5000 };

int db_schema_version(void)
{
	return (int)db_sql_n_migrations;
}

int db_sql_err(sqlite3 *sql, int rc, const char *what)
{
	log_err(NULL, "db: %s: sqlite error %d: %s", what, rc,
		sql ? sqlite3_errmsg(sql) : sqlite3_errstr(rc));
	switch (rc & 0xff) {
	case SQLITE_NOMEM: return ENOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return EBUSY;
	case SQLITE_CANTOPEN: return ENOENT;
	case SQLITE_CONSTRAINT: return EINVAL;
	case SQLITE_READONLY:
	case SQLITE_PERM: return EACCES;
	default: return EIO;
	}
}

int db_prepare(sqlite3 *sql, const char *q, sqlite3_stmt **stp)
{
	int rc = sqlite3_prepare_v2(sql, q, -1, stp, NULL);

	return rc == SQLITE_OK ? 0 : db_sql_err(sql, rc, "prepare");
}

const char *db_col_text(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL
		? NULL : (const char *)sqlite3_column_text(st, col);
}

int db_sql_open(sqlite3 **sqlp, const char *path, int flags)
{
	sqlite3 *sql = NULL;
	int rc, err = 0;

	rc = sqlite3_open_v2(path, &sql, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		err = db_sql_err(sql, rc, path);
		goto out;
	}
	sqlite3_busy_timeout(sql, DB_BUSY_TIMEOUT_MS);
	rc = sqlite3_exec(sql, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		err = db_sql_err(sql, rc, "foreign_keys");
out:
	if (err) {
		sqlite3_close(sql);
		return err;
	}
	*sqlp = sql;
	return 0;
}

int db_version(struct db *db, int *versionp)
{
	sqlite3_stmt *st;
	int rc, err;

	err = db_prepare(db->sql, "PRAGMA user_version", &st);
	if (err)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*versionp = sqlite3_column_int(st, 0);
	else
		err = db_sql_err(db->sql, rc, "user_version");
	sqlite3_finalize(st);
	return err;
}

static int run_in_tx(sqlite3 *sql, const char *script, const char *what, int version,
		     char *err, size_t errsz)
{
	char *msg = NULL, q[64];
	int rc;

	rc = sqlite3_exec(sql, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_sql_err(sql, rc, "begin");
	rc = sqlite3_exec(sql, script, NULL, NULL, &msg);
	if (rc == SQLITE_OK && version > 0) {
		snprintf(q, sizeof(q), "PRAGMA user_version = %d", version);
		rc = sqlite3_exec(sql, q, NULL, NULL, &msg);
	}
	if (rc == SQLITE_OK) {
		/* foreign keys are checked per statement; this catches what a
		 * deferred or disabled check let through */
		sqlite3_stmt *st;

		if (sqlite3_prepare_v2(sql, "PRAGMA foreign_key_check", -1, &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW) {
				if (err)
					snprintf(err, errsz, "%s row %lld: its reference to %s does "
						 "not exist", sqlite3_column_text(st, 0),
						 (long long)sqlite3_column_int64(st, 1),
						 sqlite3_column_text(st, 2));
				rc = SQLITE_CONSTRAINT;
			}
			sqlite3_finalize(st);
		}
	}
	if (rc != SQLITE_OK) {
		if (msg && err)
			snprintf(err, errsz, "%s", msg);
		log_err(NULL, "db: %s: sqlite error %d: %s", what, rc,
			msg ? msg : (err ? err : sqlite3_errstr(rc)));
		sqlite3_free(msg);
		sqlite3_exec(sql, "ROLLBACK", NULL, NULL, NULL);
		return rc == SQLITE_CONSTRAINT ? EINVAL : EIO;
	}
	rc = sqlite3_exec(sql, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_exec(sql, "ROLLBACK", NULL, NULL, NULL);
		return db_sql_err(sql, rc, "commit");
	}
	return 0;
}

int db_migrate(struct db *db, int to)
{
	int v, err;

	if (to <= 0)
		to = db_schema_version();
	err = db_version(db, &v);
	if (err)
		return err;
	if (v > db_schema_version() || to > db_schema_version()) {
		log_err(NULL, "db: %s has schema version %d; this build knows up to %d: refused",
			db->path, v, db_schema_version());
		return EPROTO;
	}
	for (int next = v + 1; next <= to; next++) {
		const struct db_sql_file *m = &db_sql_migrations[next - 1];

		err = run_in_tx(db->sql, m->text, m->name, m->version, NULL, 0);
		if (err)
			return err;
		log_notice(NULL, "db: %s upgraded to version %d (%s)", db->path, next, m->name);
	}
	return 0;
}

int db_exec_script(struct db *db, const char *sql, char *err, size_t errsz)
{
	if (err && errsz)
		err[0] = '\0';
	return run_in_tx(db->sql, sql, "script", 0, err, errsz);
}

void db_close(struct db *db)
{
	if (!db)
		return;
	sqlite3_close(db->sql);
	free(db->path);
	free(db);
}

int db_open(struct db **dbp, const char *path, unsigned flags)
{
	struct db *db = calloc(1, sizeof(*db));
	bool fresh;
	int v = 0, err;

	if (!db)
		return ENOMEM;
	db->path = strdup(path);
	if (!db->path) {
		err = ENOMEM;
		goto out;
	}
	fresh = access(path, F_OK) != 0;
	if (fresh && !(flags & DB_OPEN_CREATE)) {
		log_err(NULL, "db: %s does not exist (create it with b2bua-policy create)", path);
		err = ENOENT;
		goto out;
	}
	err = db_sql_open(&db->sql, path, SQLITE_OPEN_READWRITE |
			  ((flags & DB_OPEN_CREATE) ? SQLITE_OPEN_CREATE : 0));
	if (err)
		goto out;
	/* readers (the loader) never block the CDR writer, nor it them */
	if (sqlite3_exec(db->sql, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK)
		log_warn(NULL, "db: %s: WAL mode refused: %s", path, sqlite3_errmsg(db->sql));
	err = db_version(db, &v);
	if (err)
		goto out;
	if (v > db_schema_version()) {
		log_err(NULL, "db: %s has schema version %d; this build knows up to %d: refused",
			path, v, db_schema_version());
		err = EPROTO;
		goto out;
	}
	if (v < db_schema_version() && !(flags & DB_OPEN_NO_MIGRATE)) {
		err = db_migrate(db, 0);
		if (err)
			goto out;
	}
	if (v == 0 && (flags & DB_OPEN_LAB)) {
		err = run_in_tx(db->sql, db_sql_lab, "lab.sql", 0, NULL, 0);
		if (err)
			goto out;
	}
out:
	if (err) {
		db_close(db);
		return err;
	}
	*dbp = db;
	return 0;
}
