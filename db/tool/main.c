/* b2bua-policy: create, migrate, edit, import, export and explain. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "tool.h"

static const char usage[] =
	"usage: b2bua-policy COMMAND DB [ARGS]\n"
	"  create [--lab] DB                 a new database (with the loopback lab's policy)\n"
	"  migrate DB                        upgrade the schema to this build's version\n"
	"  check DB                          load and validate the policy\n"
	"  trunk list DB\n"
	"  trunk add DB NAME ZONE [--new-zone] [KEY=VALUE ...]\n"
	"                                    ZONE must exist; --new-zone creates it\n"
	"                                    keys: source=ADDR[/LEN][:PORT][/udp|tcp|tls|any]\n"
	"                                    (repeatable; port 0 or none: any),\n"
	"                                    target=HOST[:PORT][/udp|tcp|tls][;priority=N][;weight=N]\n"
	"                                    (repeatable; defaults 5060, udp, priority 0, weight 1;\n"
	"                                    lower priority first, weight shares among equals;\n"
	"                                    quote it: ';' is special to the shell),\n"
	"                                    and any trunk column (max_calls=10,\n"
	"                                    refer=deny: a REFER from the trunk gets 403)\n"
	"  trunk set DB NAME KEY=VALUE ...   as above; a target the trunk has already (same\n"
	"                                    host, port, transport) gets the priority or weight\n"
	"                                    given, another one is added\n"
	"  trunk del DB NAME\n"
	"  route list DB\n"
	"  route add DB FROM|any PREFIX TARGET [KEY=VALUE ...]   any route column (priority=1)\n"
	"  route del DB ID\n"
	"  export DB --sql | --csv TABLE     the policy as SQL INSERTs, or one table as CSV\n"
	"  import DB FILE.sql | --csv TABLE FILE.csv   in one transaction, validated\n"
	"  explain DB (--source ADDR[:PORT] [--transport udp] | --trunk NAME) --number N\n"
	"          [--from USER] [--at 'YYYY-MM-DD HH:MM' [--tz ZONE]] [--active N]\n";

int tool_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("b2bua-policy: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int tool_apply(struct db *db, const char *sql)
{
	struct policy_snapshot *s;
	char err[DB_ERR_MAX] = "", *msg = NULL;
	sqlite3_stmt *st;
	int rc, e = 0;

	rc = sqlite3_exec(db->sql, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return tool_fail("%s", sqlite3_errmsg(db->sql)), EIO;
	rc = sqlite3_exec(db->sql, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(err, sizeof(err), "%s", msg ? msg : sqlite3_errstr(rc));
		e = EINVAL;
	}
	sqlite3_free(msg);
	if (!e && sqlite3_prepare_v2(db->sql, "PRAGMA foreign_key_check", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(err, sizeof(err), "%s row %lld refers to a missing %s",
				 sqlite3_column_text(st, 0), (long long)sqlite3_column_int64(st, 1),
				 sqlite3_column_text(st, 2));
			e = EINVAL;
		}
		sqlite3_finalize(st);
	}
	if (!e) {
		e = db_snapshot_load(db, &s, err, sizeof(err));
		if (!e)
			policy_snapshot_unref(s);
	}
	if (e) {
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
		tool_fail("refused, nothing changed: %s", err);
		return e;
	}
	rc = sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
		return tool_fail("commit: %s", sqlite3_errmsg(db->sql)), EIO;
	}
	return 0;
}

static int cmd_check(struct db *db)
{
	struct policy_snapshot *s;
	char err[DB_ERR_MAX] = "";
	int e = db_snapshot_load(db, &s, err, sizeof(err));

	if (e)
		return tool_fail("policy refused: %s", err[0] ? err : strerror(e));
	printf("policy ok: %u trunks, %zu routes\n", policy_snapshot_trunk_count(s),
	       policy_snapshot_route_count(s));
	policy_snapshot_unref(s);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd, *path;
	unsigned flags = 0;
	struct db *db;
	int i = 2, rc, e, v;

	log_set_level(LOG_LVL_WARN);
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc < 3) {
		fputs(usage, stderr);
		return 2;
	}
	cmd = argv[1];
	/* "trunk list DB": the subcommand comes before the database */
	if (strcmp(cmd, "trunk") == 0 || strcmp(cmd, "route") == 0)
		i = 3;
	if (strcmp(cmd, "create") == 0 && strcmp(argv[2], "--lab") == 0) {
		flags |= DB_OPEN_LAB;
		i = 3;
	}
	if (i >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	path = argv[i];
	if (strcmp(cmd, "create") == 0) {
		if (access(path, F_OK) == 0)
			return tool_fail("%s exists already", path);
		flags |= DB_OPEN_CREATE;
	} else if (strcmp(cmd, "migrate") != 0) {
		flags |= DB_OPEN_NO_MIGRATE;
	}
	e = db_open(&db, path, flags);
	if (e == EPROTO)
		return tool_fail("%s was written by a newer version: refused", path);
	if (e)
		return tool_fail("cannot open %s: %s", path, strerror(e));
	if (db_version(db, &v) == 0 && v < db_schema_version() && strcmp(cmd, "migrate") != 0) {
		db_close(db);
		return tool_fail("%s has schema version %d; run: b2bua-policy migrate %s", path, v,
				 path);
	}
	if (strcmp(cmd, "create") == 0 || strcmp(cmd, "migrate") == 0) {
		printf("%s: schema version %d%s\n", path, db_schema_version(),
		       flags & DB_OPEN_LAB ? ", with the lab's policy" : "");
		rc = 0;
	} else if (strcmp(cmd, "check") == 0) {
		rc = cmd_check(db);
	} else if (strcmp(cmd, "trunk") == 0) {
		rc = tool_trunk(db, argc - 1, argv + 1);
	} else if (strcmp(cmd, "route") == 0) {
		rc = tool_route(db, argc - 1, argv + 1);
	} else if (strcmp(cmd, "export") == 0) {
		rc = tool_export(db, argc - 3, argv + 3);
	} else if (strcmp(cmd, "import") == 0) {
		rc = tool_import(db, argc - 3, argv + 3);
	} else if (strcmp(cmd, "explain") == 0) {
		rc = tool_explain(db, argc - 3, argv + 3);
	} else {
		fputs(usage, stderr);
		rc = 2;
	}
	db_close(db);
	return rc;
}
