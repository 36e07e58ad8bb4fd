/* export and import: the policy as SQL, or one table as CSV. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

/* in dependency order, so that an export imports as it is */
static const char *const tables[] = {
	"zone", "trunk", "trunk_source", "trunk_target", "trunk_header", "number_rule",
	"route", "blocked_prefix", "blocked_source",
};

static bool known_table(const char *t)
{
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		if (strcmp(tables[i], t) == 0)
			return true;
	}
	return strcmp(t, "cdr") == 0 || strcmp(t, "cdr_stream") == 0;
}

static int export_sql(struct db *db)
{
	printf("-- b2bua policy, schema version %d\n", db_schema_version());
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		char *q = sqlite3_mprintf("SELECT * FROM \"%w\" ORDER BY id", tables[i]);
		sqlite3_stmt *st;

		if (!q || sqlite3_prepare_v2(db->sql, q, -1, &st, NULL) != SQLITE_OK) {
			sqlite3_free(q);
			return tool_fail("%s", sqlite3_errmsg(db->sql));
		}
		sqlite3_free(q);
		while (sqlite3_step(st) == SQLITE_ROW) {
			printf("INSERT INTO %s VALUES (", tables[i]);
			for (int c = 0; c < sqlite3_column_count(st); c++) {
				char *v;

				switch (sqlite3_column_type(st, c)) {
				case SQLITE_NULL:
					v = sqlite3_mprintf("NULL");
					break;
				case SQLITE_INTEGER:
					v = sqlite3_mprintf("%lld", sqlite3_column_int64(st, c));
					break;
				case SQLITE_FLOAT:
					v = sqlite3_mprintf("%.17g", sqlite3_column_double(st, c));
					break;
				default:
					v = sqlite3_mprintf("%Q", sqlite3_column_text(st, c));
				}
				printf("%s%s", c ? ", " : "", v);
				sqlite3_free(v);
			}
			printf(");\n");
		}
		sqlite3_finalize(st);
	}
	return 0;
}

static void csv_field(const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static int export_csv(struct db *db, const char *table)
{
	/* cdr_stream is WITHOUT ROWID (migration 4): in the order of its key */
	const char *order = strcmp(table, "cdr_stream") == 0 ? "cdr_id, idx, leg" : "rowid";
	char *q = sqlite3_mprintf("SELECT * FROM \"%w\" ORDER BY %s", table, order);
	sqlite3_stmt *st;

	if (!q || sqlite3_prepare_v2(db->sql, q, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_free(q);
		return tool_fail("%s", sqlite3_errmsg(db->sql));
	}
	sqlite3_free(q);
	for (int c = 0; c < sqlite3_column_count(st); c++) {
		if (c)
			putchar(',');
		csv_field(sqlite3_column_name(st, c));
	}
	putchar('\n');
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			const unsigned char *t = sqlite3_column_text(st, c);

			if (c)
				putchar(',');
			/* NULL is an empty field; an empty string is "" */
			if (t && !*t)
				fputs("\"\"", stdout);
			else if (t)
				csv_field((const char *)t);
		}
		putchar('\n');
	}
	sqlite3_finalize(st);
	return 0;
}

int tool_export(struct db *db, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "--sql") == 0)
		return export_sql(db);
	if (argc >= 2 && strcmp(argv[0], "--csv") == 0) {
		if (!known_table(argv[1]))
			return tool_fail("no table \"%s\"", argv[1]);
		return export_csv(db, argv[1]);
	}
	return tool_fail("export DB --sql | --csv TABLE");
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
		}
	}
	fclose(f);
	return buf;
}

/* one CSV record into SQL values; returns the position after it.  A
 * record has one field more than it has separators, so a trailing comma
 * ends with an empty (NULL) field; an empty line gives no values. */
static const char *csv_record(const char *p, char **values, bool header)
{
	if (*p == '\r' && p[1] == '\n')
		p++;
	if (*p == '\n')
		return p + 1;
	for (;;) {
		char *field = NULL;

		if (*p == '"') {
			const char *s = ++p;
			char *tmp = malloc(strlen(s) + 1), *o = tmp;

			if (!tmp)
				return NULL;
			while (*p && !(*p == '"' && p[1] != '"')) {
				if (*p == '"')
					p++;
				*o++ = *p++;
			}
			*o = '\0';
			if (*p == '"')
				p++;
			field = sqlite3_mprintf(header ? "\"%w\"" : "%Q", tmp);
			free(tmp);
		} else {
			size_t len = strcspn(p, ",\r\n");
			char *raw = sqlite3_mprintf("%.*s", (int)len, p);

			field = len == 0 ? sqlite3_mprintf("NULL")
				: sqlite3_mprintf(header ? "\"%w\"" : "%Q", raw);
			sqlite3_free(raw);
			p += len;
		}
		{
			char *old = *values;

			*values = sqlite3_mprintf("%s%s%s", old ? old : "", old ? ", " : "", field);
			sqlite3_free(old);
		}
		sqlite3_free(field);
		if (*p != ',')
			break;
		p++;
	}
	if (*p == '\r')
		p++;
	return *p == '\n' ? p + 1 : p;
}

int tool_import(struct db *db, int argc, char **argv)
{
	char *text, *sql = NULL, *cols = NULL;
	const char *p;
	int err;

	if (argc >= 3 && strcmp(argv[0], "--csv") == 0) {
		if (!known_table(argv[1]))
			return tool_fail("no table \"%s\"", argv[1]);
		if (!(text = read_file(argv[2])))
			return tool_fail("cannot read %s", argv[2]);
		p = csv_record(text, &cols, true);
		while (p && *p) {
			char *vals = NULL;

			p = csv_record(p, &vals, false);
			if (vals) {
				char *old = sql;

				sql = sqlite3_mprintf("%s INSERT INTO \"%w\" (%s) VALUES (%s);",
						      old ? old : "", argv[1], cols, vals);
				sqlite3_free(old);
			}
			sqlite3_free(vals);
		}
	} else if (argc >= 1) {
		if (!(text = read_file(argv[0])))
			return tool_fail("cannot read %s", argv[0]);
		sql = sqlite3_mprintf("%s", text);
	} else {
		return tool_fail("import DB FILE.sql | --csv TABLE FILE.csv");
	}
	err = sql ? tool_apply(db, sql) : 0;
	if (!err)
		printf("imported\n");
	sqlite3_free(sql);
	sqlite3_free(cols);
	free(text);
	return err ? 1 : 0;
}
