/* The SQLite policy database: schema and migrations, loading a policy
 * snapshot, the loader thread that follows changes, and the CDR writer.
 *
 * Nothing here runs on the signalling thread: a struct db belongs to the
 * thread that opened it; the loader and the CDR writer open their own
 * connections on their own threads.  Errors are errno values; SQLite's own
 * code and text are logged where they happen.
 */
#ifndef B2BUA_DB_H
#define B2BUA_DB_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

enum {
	DB_ERR_MAX = 256,
	DB_ID_MAX = 64,		/* call and leg identifiers, NUL included */
	DB_CDR_STREAMS_MAX = 4,
};

enum db_open_flags {
	DB_OPEN_CREATE = 1 << 0,	/* create the file if it is missing */
	DB_OPEN_LAB = 1 << 1,		/* a new database gets the lab's content */
	DB_OPEN_NO_MIGRATE = 1 << 2,	/* do not upgrade an older schema */
};

struct db;

/* the newest schema version this build knows */
int db_schema_version(void);

/* Opens a database, creates it with DB_OPEN_CREATE (with the lab content
 * with DB_OPEN_LAB), and upgrades an older schema unless
 * DB_OPEN_NO_MIGRATE.  Returns 0, ENOENT (missing without
 * DB_OPEN_CREATE), EPROTO (newer than this build knows: refused), EIO,
 * ENOMEM.  *dbp is set only on success. */
int db_open(struct db **dbp, const char *path, unsigned flags);
void db_close(struct db *db);
/* the schema version of the file (PRAGMA user_version) */
int db_version(struct db *db, int *versionp);
/* upgrades to version `to` (0: the newest); 0, EPROTO or EIO */
int db_migrate(struct db *db, int to);
/* runs a script of SQL statements in one transaction, with foreign keys
 * enforced; on failure nothing is applied and err says why */
int db_exec_script(struct db *db, const char *sql, char *err, size_t errsz);

/* Reads the whole policy and builds a snapshot.  A database that fails
 * validation gives EINVAL and err names the bad row ("route 7: target
 * trunk 9 does not exist").  *sp is set only on success. */
int db_snapshot_load(struct db *db, struct policy_snapshot **sp, char *err, size_t errsz);

/* Resolves a time zone name (Europe/Paris) to its POSIX rule through the
 * system's zone files, or accepts a POSIX rule as it is.  0 or EINVAL. */
int db_tz_rule(const char *name, char *rule, size_t size);

/* The loader thread.  It loads the policy once at start and again each
 * time another connection commits a change to it (PRAGMA data_version,
 * polled every interval_ms on its own connection, then the policy's
 * revision, which CDR rows do not move: no file re-read), and hands
 * every valid snapshot to h on the loader thread, with one reference the
 * handler owns.  A snapshot that fails validation is logged with the bad
 * row and dropped: the previous one stays in force. */
typedef void (db_snapshot_h)(struct policy_snapshot *s, void *arg);
struct db_loader;
int db_loader_start(struct db_loader **lp, const char *path, unsigned interval_ms,
		    db_snapshot_h *h, void *arg);
/* stops and joins the thread; no handler call runs after it returns */
void db_loader_stop(struct db_loader *l);
/* the last validation or database error ("" if none); thread-safe */
void db_loader_last_error(struct db_loader *l, char *buf, size_t size);

/* A call detail record: one per call attempt.  Times are Unix seconds,
 * 0 when the event did not happen. */
enum db_hangup { DB_HANGUP_NONE = 0, DB_HANGUP_CALLER, DB_HANGUP_CALLEE, DB_HANGUP_B2BUA };

struct db_cdr_stream {
	unsigned idx;			/* m-line index */
	char leg;			/* 'a' or 'b' */
	uint64_t packets_in, packets_out, bytes_in, bytes_out, lost;
	double jitter_ms;
};

struct db_cdr {
	char call_id[DB_ID_MAX];	/* ours, never the other side's */
	unsigned attempt;		/* 1, 2 ... */
	char leg_a[DB_ID_MAX], leg_b[DB_ID_MAX];
	char from_trunk[POLICY_NAME_MAX], to_trunk[POLICY_NAME_MAX];
	int64_t route_id;		/* 0: none */
	char failover[POLICY_REASON_MAX];	/* why the previous attempt moved on */
	char ruri_user[POLICY_USER_MAX], from_user[POLICY_USER_MAX];
	char to_user[POLICY_USER_MAX];
	unsigned status;		/* the final response code */
	char reason[POLICY_REASON_MAX];
	double setup_time, answer_time, end_time;
	enum db_hangup hangup_by;
	struct db_cdr_stream streams[DB_CDR_STREAMS_MAX];
	unsigned n_streams;
};

/* The CDR writer thread: submitted records are queued and committed in
 * one transaction every batch_ms or every batch_rows rows, whichever
 * comes first, in WAL mode. */
struct db_cdr_writer;
int db_cdr_writer_start(struct db_cdr_writer **wp, const char *path, unsigned batch_ms,
			unsigned batch_rows);
/* copies the record into the queue; 0, ENOMEM, or ESHUTDOWN once stopping */
int db_cdr_submit(struct db_cdr_writer *w, const struct db_cdr *cdr);
/* Writes everything queued, stops and joins the thread, frees w.  Returns
 * 0, or EIO if some rows could not be written (they are logged). */
int db_cdr_writer_stop(struct db_cdr_writer *w);
/* rows committed and transactions used so far; thread-safe */
void db_cdr_writer_stats(struct db_cdr_writer *w, uint64_t *rows, uint64_t *batches);

#endif
