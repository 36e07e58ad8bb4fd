/* b2bua-policy: the operator's tool for the policy database. */
#ifndef B2BUA_POLICY_TOOL_H
#define B2BUA_POLICY_TOOL_H

#include "db_priv.h"

/* runs sql, then checks the foreign keys and that the whole policy still
 * loads; commits only then.  Prints why on refusal.  0 or an errno value */
int tool_apply(struct db *db, const char *sql);
/* prints an error line prefixed with the program name; returns 1 */
__attribute__((format(printf, 1, 2)))
int tool_fail(const char *fmt, ...);

int tool_trunk(struct db *db, int argc, char **argv);
int tool_route(struct db *db, int argc, char **argv);
int tool_export(struct db *db, int argc, char **argv);
int tool_import(struct db *db, int argc, char **argv);
int tool_explain(struct db *db, int argc, char **argv);

#endif
