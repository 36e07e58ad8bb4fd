/* trunk and route: list, add, set, del. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

/* true if col is a column of table other than id */
static bool is_column(struct db *db, const char *table, const char *col)
{
	char *q = sqlite3_mprintf("SELECT 1 FROM pragma_table_info(%Q) WHERE name = %Q AND name <> 'id'",
				  table, col);
	sqlite3_stmt *st;
	bool ok = false;

	if (q && sqlite3_prepare_v2(db->sql, q, -1, &st, NULL) == SQLITE_OK) {
		ok = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	sqlite3_free(q);
	return ok;
}

/* appends "UPDATE table SET k = v WHERE where;" for each KEY=VALUE that is a
 * column; source= and target= on trunks are handled by the caller */
static char *append(char *sql, char *more)
{
	char *r = sqlite3_mprintf("%s%s", sql ? sql : "", more ? more : "");

	sqlite3_free(sql);
	sqlite3_free(more);
	return r;
}

/* "HOST[:PORT][/tp]" or "ADDR[/LEN][:PORT][/tp]" (IPv6 in brackets) */
static void split_endpoint(char *s, char **host, char **port, char **tp)
{
	char *slash = strrchr(s, '/');

	*tp = NULL;
	if (slash && (strcmp(slash + 1, "udp") == 0 || strcmp(slash + 1, "tcp") == 0 ||
		      strcmp(slash + 1, "tls") == 0 || strcmp(slash + 1, "any") == 0)) {
		*slash = '\0';
		*tp = slash + 1;
	}
	*port = NULL;
	if (s[0] == '[') {
		char *end = strchr(s, ']');

		if (end) {
			*end = '\0';
			if (end[1] == ':')
				*port = end + 2;
			s++;
		}
	} else if (strchr(s, ':') == strrchr(s, ':') && strchr(s, ':')) {
		*port = strchr(s, ':') + 1;
		(*port)[-1] = '\0';
	}
	*host = s;
}

/* a decimal number in [0, max]; false if s is anything else */
static bool parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return !*end && !errno && *v <= max;
}

/* "target=HOST[:PORT][/tp][;priority=N][;weight=N]": the target is
 * updated if the trunk has it already (same host, port and transport),
 * else added; priority and weight keep their value (or the schema's
 * default, 0 and 1) when not given */
static char *target_sql(char *val, const char *where, int *err)
{
	char *params = strchr(val, ';'), *host, *port, *tp, *set = NULL, *sql;
	unsigned long prio = 0, weight = 1, portn = 5060;
	bool has_prio = false, has_weight = false;

	if (params)
		*params++ = '\0';
	while (params) {
		char *next = strchr(params, ';'), *eq;

		if (next)
			*next++ = '\0';
		eq = strchr(params, '=');
		if (strncmp(params, "priority=", 9) == 0) {
			if (!parse_uint(eq + 1, INT32_MAX, &prio)) {
				*err = tool_fail("target priority \"%s\" is not a number", eq + 1);
				return NULL;
			}
			has_prio = true;
		} else if (strncmp(params, "weight=", 7) == 0) {
			if (!parse_uint(eq + 1, INT32_MAX, &weight)) {
				*err = tool_fail("target weight \"%s\" is not a number", eq + 1);
				return NULL;
			}
			has_weight = true;
		} else {
			*err = tool_fail("target parameter \"%s\": priority=N or weight=N", params);
			return NULL;
		}
		params = next;
	}
	split_endpoint(val, &host, &port, &tp);
	if (port && !parse_uint(port, 65535, &portn)) {
		*err = tool_fail("target port \"%s\" is not a number", port);
		return NULL;
	}
	if (tp && strcmp(tp, "any") == 0) {
		*err = tool_fail("a target needs a transport: udp, tcp or tls");
		return NULL;
	}
	if (has_prio)
		set = sqlite3_mprintf("priority = %lu", prio);
	if (has_weight)
		set = append(set, sqlite3_mprintf("%sweight = %lu", set ? ", " : "", weight));
	sql = set ? sqlite3_mprintf("UPDATE trunk_target SET %s WHERE trunk_id = (SELECT id "
		"FROM trunk WHERE %s) AND host = %Q AND port = %lu AND transport = %Q;", set,
		where, host, portn, tp ? tp : "udp") : NULL;
	sqlite3_free(set);
	return append(sql, sqlite3_mprintf("INSERT INTO trunk_target (trunk_id, host, port, "
		"transport, priority, weight) SELECT t.id, %Q, %lu, %Q, %lu, %lu FROM trunk t "
		"WHERE t.id = (SELECT id FROM trunk WHERE %s) AND NOT EXISTS (SELECT 1 FROM trunk_target WHERE trunk_id = t.id AND "
		"host = %Q AND port = %lu AND transport = %Q);", host, portn, tp ? tp : "udp",
		prio, weight, where, host, portn, tp ? tp : "udp"));
}

static char *kv_sql(struct db *db, const char *table, const char *where, int argc, char **argv,
		    int *err)
{
	char *sql = NULL;

	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		char key[64];

		if (!eq || (size_t)(eq - argv[i]) >= sizeof(key)) {
			*err = tool_fail("\"%s\" is not KEY=VALUE", argv[i]);
			break;
		}
		memcpy(key, argv[i], (size_t)(eq - argv[i]));
		key[eq - argv[i]] = '\0';
		if (strcmp(table, "trunk") == 0 &&
		    (strcmp(key, "source") == 0 || strcmp(key, "target") == 0)) {
			char *val = strdup(eq + 1), *host, *port, *tp;

			if (!val) {
				*err = ENOMEM;
				break;
			}
			if (key[0] == 't') {
				sql = append(sql, target_sql(val, where, err));
			} else if (strchr(val, ';')) {
				*err = tool_fail("source=%s: a source takes no ;parameters", eq + 1);
			} else {
				split_endpoint(val, &host, &port, &tp);
				sql = append(sql, sqlite3_mprintf("INSERT INTO trunk_source (trunk_id, "
					"address, port, transport) SELECT id, %Q, %d, %Q FROM trunk "
					"WHERE %s;", host, port ? atoi(port) : 0, tp ? tp : "any", where));
			}
			free(val);
			if (*err)
				break;
			continue;
		}
		if (!is_column(db, table, key)) {
			*err = tool_fail("%s has no setting \"%s\"", table, key);
			break;
		}
		if (strcmp(eq + 1, "null") == 0)
			sql = append(sql, sqlite3_mprintf("UPDATE %s SET \"%w\" = NULL WHERE %s;",
							  table, key, where));
		else
			sql = append(sql, sqlite3_mprintf("UPDATE %s SET \"%w\" = %Q WHERE %s;",
							  table, key, eq + 1, where));
	}
	return sql;
}

/* the id the query returns, or 0 */
static long long lookup_id(struct db *db, char *q)
{
	sqlite3_stmt *st;
	long long id = 0;

	if (q && sqlite3_prepare_v2(db->sql, q, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_free(q);
	return id;
}

static int print_rows(struct db *db, const char *q)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db->sql, q, -1, &st, NULL) != SQLITE_OK)
		return tool_fail("%s", sqlite3_errmsg(db->sql));
	for (int i = 0; i < sqlite3_column_count(st); i++)
		printf("%s%s", i ? "\t" : "", sqlite3_column_name(st, i));
	putchar('\n');
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *t = sqlite3_column_text(st, i);

			printf("%s%s", i ? "\t" : "", t ? (const char *)t : "-");
		}
		putchar('\n');
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : tool_fail("%s", sqlite3_errmsg(db->sql));
}

/* a zone the operator did not ask to create: name the ones there are */
static int unknown_zone(struct db *db, const char *zone)
{
	sqlite3_stmt *st;
	char *known = NULL;

	if (sqlite3_prepare_v2(db->sql, "SELECT name FROM zone ORDER BY name", -1, &st,
			       NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW)
			known = append(known, sqlite3_mprintf("%s%s", known ? ", " : "",
							      sqlite3_column_text(st, 0)));
		sqlite3_finalize(st);
	}
	tool_fail("unknown zone \"%s\"; known zones: %s (--new-zone creates a new one)", zone,
		  known ? known : "none");
	sqlite3_free(known);
	return 1;
}

int tool_trunk(struct db *db, int argc, char **argv)
{
	char *sql = NULL, *where;
	bool new_zone = false;
	int err = 0, n = 3;

	/* argv: trunk SUB DB ... */
	if (argc >= 3 && strcmp(argv[1], "list") == 0)
		return print_rows(db, "SELECT t.name, z.name AS zone, "
			"(SELECT group_concat(address || CASE port WHEN 0 THEN '' ELSE ':' || port END "
			"|| CASE transport WHEN 'any' THEN '' ELSE '/' || transport END, ' ') "
			"FROM trunk_source WHERE trunk_id = t.id) AS sources, "
			"(SELECT group_concat(CASE WHEN instr(host, ':') THEN '[' || host || ']' ELSE host END "
			"|| ':' || port || '/' || transport || ' p' || priority "
			"|| ' w' || weight, ' ') FROM trunk_target WHERE trunk_id = t.id) AS targets, "
			"max_calls_in, max_calls_out, max_calls, cps, media_mode, refer "
			"FROM trunk t LEFT JOIN zone z ON z.id = t.zone_id ORDER BY t.name");
	/* trunk add: --new-zone may come anywhere after the database */
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[1], "add") == 0 && strcmp(argv[i], "--new-zone") == 0)
			new_zone = true;
		else
			argv[n++] = argv[i];
	}
	argc = n < argc ? n : argc;
	if (argc < 4)
		return tool_fail("trunk %s: which trunk?", argc > 1 ? argv[1] : "");
	if (strcmp(argv[1], "add") != 0 &&
	    !lookup_id(db, sqlite3_mprintf("SELECT id FROM trunk WHERE name = %Q", argv[3])))
		return tool_fail("no trunk \"%s\"", argv[3]);
	if (strcmp(argv[1], "add") == 0) {
		if (argc < 5)
			return tool_fail("trunk add DB NAME ZONE [--new-zone] [KEY=VALUE ...]");
		/* a mistyped zone would otherwise become a new zone silently */
		if (!new_zone && !lookup_id(db, sqlite3_mprintf("SELECT id FROM zone WHERE "
								 "name = %Q", argv[4])))
			return unknown_zone(db, argv[4]);
		if (new_zone)
			sql = sqlite3_mprintf("INSERT OR IGNORE INTO zone (name) VALUES (%Q);", argv[4]);
		sql = append(sql, sqlite3_mprintf("INSERT INTO trunk (name, zone_id) SELECT %Q, id "
						  "FROM zone WHERE name = %Q;", argv[3], argv[4]));
	}
	where = sqlite3_mprintf("name = %Q", argv[3]);
	if (strcmp(argv[1], "add") == 0) {
		sql = append(sql, kv_sql(db, "trunk", where, argc - 5, argv + 5, &err));
	} else if (strcmp(argv[1], "set") == 0) {
		sql = append(sql, kv_sql(db, "trunk", where, argc - 4, argv + 4, &err));
	} else if (strcmp(argv[1], "del") == 0) {
		sql = sqlite3_mprintf("DELETE FROM trunk WHERE %s;", where);
	} else {
		err = tool_fail("trunk: list, add, set or del");
	}
	if (!err && sql)
		err = tool_apply(db, sql) ? 1 : 0;
	if (!err)
		printf("trunk %s: %s\n", argv[3], argv[1][0] == 'a' ? "added" :
		       argv[1][0] == 's' ? "updated" : "deleted");
	sqlite3_free(sql);
	sqlite3_free(where);
	return err ? 1 : 0;
}

int tool_route(struct db *db, int argc, char **argv)
{
	char *sql = NULL, *where;
	long long from, to;
	int err = 0;

	if (argc >= 3 && strcmp(argv[1], "list") == 0)
		return print_rows(db, "SELECT r.id, coalesce(f.name, 'any') AS from_trunk, "
			"r.prefix, coalesce(r.user_regex, '') AS regex, r.days, r.time_start || '-' || "
			"r.time_end AS hours, r.tz, r.priority, r.weight, t.name AS target, "
			"r.failover_codes, r.max_attempts FROM route r LEFT JOIN trunk f ON "
			"f.id = r.from_trunk_id LEFT JOIN trunk t ON t.id = r.target_trunk_id "
			"ORDER BY r.prefix, r.priority, r.id");
	if (argc >= 4 && strcmp(argv[1], "del") == 0) {
		if (!lookup_id(db, sqlite3_mprintf("SELECT id FROM route WHERE id = %lld",
						   atoll(argv[3]))))
			return tool_fail("no route %s", argv[3]);
		sql = sqlite3_mprintf("DELETE FROM route WHERE id = %lld;", atoll(argv[3]));
		err = tool_apply(db, sql);
		if (!err)
			printf("route %s: deleted\n", argv[3]);
		sqlite3_free(sql);
		return err ? 1 : 0;
	}
	if (argc < 6 || strcmp(argv[1], "add") != 0)
		return tool_fail("route: list, add DB FROM|any PREFIX TARGET [KEY=VALUE ...], del DB ID");
	from = strcmp(argv[3], "any") == 0 ? 0
		: lookup_id(db, sqlite3_mprintf("SELECT id FROM trunk WHERE name = %Q", argv[3]));
	to = lookup_id(db, sqlite3_mprintf("SELECT id FROM trunk WHERE name = %Q", argv[5]));
	if ((strcmp(argv[3], "any") != 0 && !from) || !to)
		return tool_fail("no trunk \"%s\"", !to ? argv[5] : argv[3]);
	if (from)
		sql = sqlite3_mprintf("INSERT INTO route (from_trunk_id, prefix, target_trunk_id) "
				      "VALUES (%lld, %Q, %lld);", from, argv[4], to);
	else
		sql = sqlite3_mprintf("INSERT INTO route (prefix, target_trunk_id) VALUES (%Q, %lld);",
				      argv[4], to);
	where = sqlite3_mprintf("id = (SELECT max(id) FROM route)");
	sql = append(sql, kv_sql(db, "route", where, argc - 6, argv + 6, &err));
	if (!err)
		err = tool_apply(db, sql);
	if (!err)
		printf("route %lld: added\n", (long long)sqlite3_last_insert_rowid(db->sql));
	sqlite3_free(where);
	sqlite3_free(sql);
	return err ? 1 : 0;
}
