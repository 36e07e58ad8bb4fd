/* Private to db/: the connection and the embedded SQL. */
#ifndef B2BUA_DB_PRIV_H
#define B2BUA_DB_PRIV_H

#include <sqlite3.h>

#include "db.h"

struct db {
	sqlite3 *sql;
	char *path;
};

/* generated from migrations/NNN_name.sql and lab.sql at build time */
struct db_sql_file {
	int version;		/* NNN; 0 for lab.sql */
	const char *name;
	const char *text;
};
extern const struct db_sql_file db_sql_migrations[];
extern const unsigned db_sql_n_migrations;
extern const char db_sql_lab[];

/* opens a connection with our settings (busy timeout, foreign keys) */
int db_sql_open(sqlite3 **sqlp, const char *path, int flags);
/* logs SQLite's code and text and returns the errno value for it */
int db_sql_err(sqlite3 *sql, int rc, const char *what);
/* prepares or logs; 0 or EIO */
int db_prepare(sqlite3 *sql, const char *q, sqlite3_stmt **stp);
/* a text column, or NULL when NULL */
const char *db_col_text(sqlite3_stmt *st, int col);

#endif
