/* The loader thread: follows the database and builds the next snapshot.
 *
 * PRAGMA data_version changes on this connection exactly when another
 * connection committed: one cheap query per interval, no file re-read.
 * The CDR writer commits to the same file, so a change is then confirmed
 * against the policy's revision before anything is reloaded. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "db_priv.h"

struct db_loader {
	pthread_t thread;
	pthread_mutex_t mtx;
	pthread_cond_t cond;
	bool stop;
	char *path;
	unsigned interval_ms;
	db_snapshot_h *h;
	void *arg;
	char last_error[DB_ERR_MAX];
};

static void set_error(struct db_loader *l, const char *msg)
{
	pthread_mutex_lock(&l->mtx);
	snprintf(l->last_error, sizeof(l->last_error), "%s", msg);
	pthread_mutex_unlock(&l->mtx);
}

/* One integer from a statement kept prepared between polls (prepared on
 * first use, and again after a failure).  It is reset at once, so no read
 * transaction stays open between polls to hold back WAL checkpoints. */
static int poll_int(sqlite3 *sql, sqlite3_stmt **stp, const char *q, long long *vp)
{
	int rc, err = 0;

	if (!*stp) {
		err = db_prepare(sql, q, stp);
		if (err)
			return err;
	}
	rc = sqlite3_step(*stp);
	if (rc == SQLITE_ROW)
		*vp = sqlite3_column_int64(*stp, 0);
	else
		err = db_sql_err(sql, rc, q);
	sqlite3_reset(*stp);
	if (err) {
		sqlite3_finalize(*stp);
		*stp = NULL;
	}
	return err;
}

static void load_once(struct db_loader *l, struct db *db)
{
	struct policy_snapshot *s;
	char err[DB_ERR_MAX];
	int e = db_snapshot_load(db, &s, err, sizeof(err));

	if (e) {
		log_err(NULL, "policy: %s refused, the policy in force stays: %s", l->path,
			err[0] ? err : strerror(e));
		set_error(l, err[0] ? err : strerror(e));
		return;
	}
	set_error(l, "");
	log_notice(NULL, "policy: %s loaded: %u trunks, %zu routes", l->path,
		   policy_snapshot_trunk_count(s), policy_snapshot_route_count(s));
	l->h(s, l->arg);
}

/* sleeps until the next poll or until stopped; true when stopped */
static bool wait_interval(struct db_loader *l)
{
	struct timespec ts;
	bool stop;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += l->interval_ms / 1000;
	ts.tv_nsec += (long)(l->interval_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&l->mtx);
	while (!l->stop && pthread_cond_timedwait(&l->cond, &l->mtx, &ts) != ETIMEDOUT)
		;
	stop = l->stop;
	pthread_mutex_unlock(&l->mtx);
	return stop;
}

/* Two steps per poll: PRAGMA data_version, which moves when another
 * connection committed anything (the CDR writer's batches too), and only
 * then the policy's revision (migration 5), which moves only when a policy
 * table changed.  The first poll, before any wait, always loads (nothing is
 * seen yet).  A revision that cannot be read (an older schema) counts as a
 * change, so the load says what is wrong. */
static void *loader_main(void *arg)
{
	struct db_loader *l = arg;
	struct db db = { .path = l->path };
	sqlite3_stmt *dv = NULL, *rev = NULL;
	long long seen_dv = -1, seen_rev = -1, v, r;

	if (db_sql_open(&db.sql, l->path, SQLITE_OPEN_READONLY)) {
		set_error(l, "cannot open the database");
		return NULL;
	}
	do {
		if (poll_int(db.sql, &dv, "PRAGMA data_version", &v) || v == seen_dv)
			continue;
		seen_dv = v;
		if (poll_int(db.sql, &rev, "SELECT rev FROM policy_revision", &r))
			r = -1;
		else if (r == seen_rev)
			continue;
		seen_rev = r;
		load_once(l, &db);
	} while (!wait_interval(l));
	sqlite3_finalize(rev);
	sqlite3_finalize(dv);
	sqlite3_close(db.sql);
	return NULL;
}

int db_loader_start(struct db_loader **lp, const char *path, unsigned interval_ms,
		    db_snapshot_h *h, void *arg)
{
	struct db_loader *l;
	pthread_condattr_t ca;
	int err;

	if (!path || !h || !interval_ms)
		return EINVAL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return ENOMEM;
	l->path = strdup(path);
	if (!l->path) {
		free(l);
		return ENOMEM;
	}
	l->interval_ms = interval_ms;
	l->h = h;
	l->arg = arg;
	pthread_mutex_init(&l->mtx, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->cond, &ca);
	pthread_condattr_destroy(&ca);
	err = pthread_create(&l->thread, NULL, loader_main, l);
	if (err) {
		pthread_cond_destroy(&l->cond);
		pthread_mutex_destroy(&l->mtx);
		free(l->path);
		free(l);
		return err;
	}
	*lp = l;
	return 0;
}

void db_loader_stop(struct db_loader *l)
{
	if (!l)
		return;
	pthread_mutex_lock(&l->mtx);
	l->stop = true;
	pthread_cond_signal(&l->cond);
	pthread_mutex_unlock(&l->mtx);
	pthread_join(l->thread, NULL);
	pthread_cond_destroy(&l->cond);
	pthread_mutex_destroy(&l->mtx);
	free(l->path);
	free(l);
}

void db_loader_last_error(struct db_loader *l, char *buf, size_t size)
{
	pthread_mutex_lock(&l->mtx);
	snprintf(buf, size, "%s", l->last_error);
	pthread_mutex_unlock(&l->mtx);
}
