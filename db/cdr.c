/* The CDR writer thread: a queue in, batched transactions out.
 *
 * The signalling thread only copies a record into the queue.  The writer
 * commits what is queued every batch_ms (or sooner at batch_rows), so a
 * crash loses at most one batch period; stopping writes everything. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "db_priv.h"

struct cdr_item {
	struct cdr_item *next;
	struct db_cdr cdr;
};

struct db_cdr_writer {
	pthread_t thread;
	pthread_mutex_t mtx;
	pthread_cond_t cond;
	struct cdr_item *head, **tail;
	size_t queued;
	bool stop;
	unsigned batch_ms, batch_rows;
	char *path;
	sqlite3 *sql;
	/* prepared once, on the writer thread, for its whole life */
	sqlite3_stmt *ins, *ins_st, *begin, *commit, *rollback;
	sqlite3_stmt *sp_begin, *sp_release, *sp_rollback;
	uint64_t rows, batches, failed;
};

static const char *const hangup_names[] = { NULL, "caller", "callee", "b2bua" };

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_time(sqlite3_stmt *st, int i, double t)
{
	if (t > 0)
		sqlite3_bind_double(st, i, t);
	else
		sqlite3_bind_null(st, i);
}

/* 0 once done, or SQLite's code; the statement is left reset */
static int step_once(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : rc;
}

static void finalize_all(struct db_cdr_writer *w)
{
	sqlite3_stmt **all[] = { &w->ins, &w->ins_st, &w->begin, &w->commit, &w->rollback,
				 &w->sp_begin, &w->sp_release, &w->sp_rollback };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		sqlite3_finalize(*all[i]);
		*all[i] = NULL;
	}
}

/* SQLITE_OK, or SQLite's code of the statement that failed (*whatp names
 * it); both statements are left reset */
static int insert_row(struct db_cdr_writer *w, const struct db_cdr *c, const char **whatp)
{
	sqlite3_stmt *ins = w->ins, *ins_st = w->ins_st;
	sqlite3_int64 id;
	int rc;

	bind_text(ins, 1, c->call_id);
	sqlite3_bind_int(ins, 2, c->attempt ? (int)c->attempt : 1);
	bind_text(ins, 3, c->leg_a);
	bind_text(ins, 4, c->leg_b);
	bind_text(ins, 5, c->from_trunk);
	bind_text(ins, 6, c->to_trunk);
	if (c->route_id)
		sqlite3_bind_int64(ins, 7, c->route_id);
	else
		sqlite3_bind_null(ins, 7);
	bind_text(ins, 8, c->failover);
	bind_text(ins, 9, c->ruri_user);
	bind_text(ins, 10, c->from_user);
	bind_text(ins, 11, c->to_user);
	sqlite3_bind_int(ins, 12, (int)c->status);
	sqlite3_bind_text(ins, 13, c->reason, -1, SQLITE_STATIC);
	sqlite3_bind_double(ins, 14, c->setup_time);
	bind_time(ins, 15, c->answer_time);
	bind_time(ins, 16, c->end_time);
	if (c->answer_time > 0 && c->end_time >= c->answer_time)
		sqlite3_bind_double(ins, 17, c->end_time - c->answer_time);
	else
		sqlite3_bind_null(ins, 17);
	bind_text(ins, 18, (unsigned)c->hangup_by < 4 ? hangup_names[c->hangup_by] : NULL);
	*whatp = "cdr insert";
	rc = step_once(ins);
	if (rc)
		return rc;
	id = sqlite3_last_insert_rowid(w->sql);
	*whatp = "cdr stream insert";
	for (unsigned i = 0; i < c->n_streams && i < DB_CDR_STREAMS_MAX; i++) {
		const struct db_cdr_stream *s = &c->streams[i];

		sqlite3_bind_int64(ins_st, 1, id);
		sqlite3_bind_int(ins_st, 2, (int)s->idx);
		sqlite3_bind_text(ins_st, 3, s->leg == 'b' ? "b" : "a", 1, SQLITE_STATIC);
		sqlite3_bind_int64(ins_st, 4, (sqlite3_int64)s->packets_in);
		sqlite3_bind_int64(ins_st, 5, (sqlite3_int64)s->packets_out);
		sqlite3_bind_int64(ins_st, 6, (sqlite3_int64)s->bytes_in);
		sqlite3_bind_int64(ins_st, 7, (sqlite3_int64)s->bytes_out);
		sqlite3_bind_int64(ins_st, 8, (sqlite3_int64)s->lost);
		sqlite3_bind_double(ins_st, 9, s->jitter_ms);
		rc = step_once(ins_st);
		if (rc)
			return rc;
	}
	return SQLITE_OK;
}

/* the statements every batch uses, prepared on the first one */
static int prepare_all(struct db_cdr_writer *w)
{
	if (w->ins)
		return 0;
	if (db_prepare(w->sql, "INSERT INTO cdr (call_id, attempt, leg_a, "
		"leg_b, from_trunk, to_trunk, route_id, failover, ruri_user, from_user, to_user, "
		"status, reason, setup_time, answer_time, end_time, duration, hangup_by) VALUES "
		"(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &w->ins) ||
	    db_prepare(w->sql, "INSERT INTO cdr_stream (cdr_id, idx, leg, packets_in, "
		"packets_out, bytes_in, bytes_out, lost, jitter_ms) VALUES (?,?,?,?,?,?,?,?,?)",
		&w->ins_st) ||
	    db_prepare(w->sql, "BEGIN IMMEDIATE", &w->begin) ||
	    db_prepare(w->sql, "COMMIT", &w->commit) ||
	    db_prepare(w->sql, "ROLLBACK", &w->rollback) ||
	    db_prepare(w->sql, "SAVEPOINT row", &w->sp_begin) ||
	    db_prepare(w->sql, "RELEASE row", &w->sp_release) ||
	    db_prepare(w->sql, "ROLLBACK TO row", &w->sp_rollback)) {
		finalize_all(w);
		return EIO;
	}
	return 0;
}

/* ends a transaction that is still open (an error may have ended it) */
static void rollback(struct db_cdr_writer *w)
{
	if (sqlite3_get_autocommit(w->sql) == 0)
		step_once(w->rollback);
}

/* Every row of the batch in the open transaction, none on its own: the
 * common case.  SQLITE_OK, or SQLite's code of the first row that failed,
 * and then the transaction is rolled back. */
static int batch_whole(struct db_cdr_writer *w, struct cdr_item *list)
{
	const char *what;
	int rc;

	for (struct cdr_item *it = list; it; it = it->next) {
		rc = insert_row(w, &it->cdr, &what);
		if (rc) {
			rollback(w);
			return rc;
		}
	}
	return SQLITE_OK;
}

/* The batch again, each row in a savepoint: a row that fails is logged
 * and undone alone, the others stay.  Counts the rows written. */
static uint64_t batch_row_by_row(struct db_cdr_writer *w, struct cdr_item *list)
{
	const char *what;
	uint64_t n = 0;
	int rc;

	for (struct cdr_item *it = list; it; it = it->next) {
		rc = step_once(w->sp_begin);
		if (rc)
			what = "cdr savepoint";
		else
			rc = insert_row(w, &it->cdr, &what);
		if (rc) {
			db_sql_err(w->sql, rc, what);
			log_err(NULL, "cdr: call %s attempt %u status %u not written", it->cdr.call_id,
				it->cdr.attempt, it->cdr.status);
			step_once(w->sp_rollback);
		} else {
			n++;
		}
		step_once(w->sp_release);
	}
	return n;
}

/* opens the batch's transaction: 0, or SQLite's code, logged */
static int begin(struct db_cdr_writer *w)
{
	int rc = step_once(w->begin);

	if (rc)
		db_sql_err(w->sql, rc, "cdr begin");
	return rc;
}

/* One transaction for the whole batch.  A row that fails is logged and
 * skipped so that one bad record does not cost the others: a batch with
 * one is rolled back and written again row by row, which costs a
 * savepoint per row only then. */
static void write_batch(struct db_cdr_writer *w, struct cdr_item *list)
{
	uint64_t n = 0, all = 0;
	int rc;

	for (struct cdr_item *it = list; it; it = it->next)
		all++;
	if (prepare_all(w) || begin(w))
		goto out;
	if (batch_whole(w, list) == SQLITE_OK) {
		n = all;
	} else {
		if (begin(w))
			goto out;
		n = batch_row_by_row(w, list);
	}
	rc = step_once(w->commit);
	if (rc) {
		db_sql_err(w->sql, rc, "cdr commit");
		n = 0;
	}
out:
	rollback(w);
	pthread_mutex_lock(&w->mtx);
	w->rows += n;
	w->failed += all - n;
	w->batches++;
	pthread_mutex_unlock(&w->mtx);
}

static void *writer_main(void *arg)
{
	struct db_cdr_writer *w = arg;

	for (;;) {
		struct cdr_item *list;
		struct timespec ts;
		bool stop;

		pthread_mutex_lock(&w->mtx);
		while (!w->stop && !w->queued)
			pthread_cond_wait(&w->cond, &w->mtx);
		/* the first row of a batch waits at most batch_ms for company */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += w->batch_ms / 1000;
		ts.tv_nsec += (long)(w->batch_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		while (!w->stop && w->queued < w->batch_rows &&
		       pthread_cond_timedwait(&w->cond, &w->mtx, &ts) != ETIMEDOUT)
			;
		list = w->head;
		w->head = NULL;
		w->tail = &w->head;
		w->queued = 0;
		stop = w->stop;
		pthread_mutex_unlock(&w->mtx);
		if (list)
			write_batch(w, list);
		while (list) {
			struct cdr_item *next = list->next;

			free(list);
			list = next;
		}
		if (stop) {
			pthread_mutex_lock(&w->mtx);
			stop = !w->queued;
			pthread_mutex_unlock(&w->mtx);
			if (stop)
				return NULL;
		}
	}
}

int db_cdr_writer_start(struct db_cdr_writer **wp, const char *path, unsigned batch_ms,
			unsigned batch_rows)
{
	struct db_cdr_writer *w;
	pthread_condattr_t ca;
	int err;

	if (!path || !batch_ms || !batch_rows)
		return EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return ENOMEM;
	w->tail = &w->head;
	w->batch_ms = batch_ms;
	w->batch_rows = batch_rows;
	w->path = strdup(path);
	if (!w->path) {
		err = ENOMEM;
		goto fail;
	}
	err = db_sql_open(&w->sql, path, SQLITE_OPEN_READWRITE);
	if (err)
		goto fail;
	/* WAL with synchronous NORMAL: a commit costs no fsync, and a crash
	 * of the process loses nothing that was committed */
	sqlite3_exec(w->sql, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL",
		     NULL, NULL, NULL);
	pthread_mutex_init(&w->mtx, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	err = pthread_create(&w->thread, NULL, writer_main, w);
	if (err) {
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->mtx);
		goto fail;
	}
	*wp = w;
	return 0;
fail:
	sqlite3_close(w->sql);
	free(w->path);
	free(w);
	return err;
}

int db_cdr_submit(struct db_cdr_writer *w, const struct db_cdr *cdr)
{
	struct cdr_item *it = malloc(sizeof(*it));
	int err = 0;

	if (!it)
		return ENOMEM;
	it->cdr = *cdr;
	it->next = NULL;
	pthread_mutex_lock(&w->mtx);
	if (w->stop) {
		err = ESHUTDOWN;
	} else {
		*w->tail = it;
		w->tail = &it->next;
		w->queued++;
		if (w->queued == 1 || w->queued >= w->batch_rows)
			pthread_cond_signal(&w->cond);
	}
	pthread_mutex_unlock(&w->mtx);
	if (err)
		free(it);
	return err;
}

int db_cdr_writer_stop(struct db_cdr_writer *w)
{
	int err;

	if (!w)
		return 0;
	pthread_mutex_lock(&w->mtx);
	w->stop = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mtx);
	pthread_join(w->thread, NULL);
	err = w->failed ? EIO : 0;
	if (w->failed)
		log_err(NULL, "cdr: %llu records could not be written to %s",
			(unsigned long long)w->failed, w->path);
	finalize_all(w);
	sqlite3_close(w->sql);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->mtx);
	free(w->path);
	free(w);
	return err;
}

void db_cdr_writer_stats(struct db_cdr_writer *w, uint64_t *rows, uint64_t *batches)
{
	pthread_mutex_lock(&w->mtx);
	*rows = w->rows;
	*batches = w->batches;
	pthread_mutex_unlock(&w->mtx);
}
