/* Conformance: every message of the SIP torture corpus (RFC 4475, RFC 5118)
 * handled as MANIFEST.tsv says.
 *
 * Each file is parsed as one UDP datagram and then judged the way the
 * daemon judges it: a request gets the status ua_verdict() computes (what
 * the daemon sends), a response is kept or dropped by ua_check_response().
 *
 * Our role, for the manifest's role-qualified expectations: the daemon is
 * the UAS (endpoint) for every request it answers itself, and it is not a
 * registrar (REGISTER gets 405).  Exit 77 (CTest's skip) when the corpus
 * folder is absent. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/ua.h"
#include "sip/sip.h"

struct outcome {
	bool framed;		/* sip_msg_parse returned 0 */
	bool request;
	bool syntax_ok;		/* no parse-level defect (bad.status == 0) */
	uint16_t status;	/* request: what we answer (0 nothing) */
	bool dropped;		/* response: discarded */
	const char *why;
};

static struct mbuf *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct mbuf *mb;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (n < 0 || mbuf_alloc(&mb, (size_t)n)) {
		fclose(f);
		return NULL;
	}
	mb->len = fread(mb->data, 1, (size_t)n, f);
	fclose(f);
	return mb;
}

static void judge(struct mbuf *mb, struct outcome *o)
{
	struct sip_msg *msg = NULL;
	struct sip_parse_err perr = { 0, NULL };
	struct ua_verdict v;

	memset(o, 0, sizeof(*o));
	if (sip_msg_parse(&msg, mb, 0, mb->len, SIP_PARSE_DGRAM, &perr)) {
		o->dropped = true;
		o->why = perr.reason;
		return;
	}
	o->framed = true;
	o->request = msg->req;
	o->syntax_ok = msg->bad.status == 0;
	if (msg->req) {
		if (ua_can_answer(msg)) {
			o->status = ua_verdict(msg, &v);
			o->why = v.reason ? v.reason : (o->status ? sip_reason_phrase(o->status) : "");
		} else {
			o->why = "unanswerable (no usable Via)";
		}
	} else {
		o->dropped = !ua_check_response(msg, &o->why);
	}
	sip_msg_free(msg);
}

/* one alternative of the expected_handling column */
static bool alternative_met(const char *alt, const struct outcome *o, const char *file, const char *reason)
{
	unsigned code;

	if (strcmp(alt, "valid-must-parse") == 0) {
		if (!o->framed)
			return false;
		if (!o->request)
			return !o->dropped;
		/* parsed: any answer but a syntax rejection */
		if (o->syntax_ok && o->status != 400)
			return true;
		/* RFC 5118 archive files: bare LF and, in two of them, a
		 * Content-Length that does not match the body (the manifest's
		 * NOTE); the wire versions of the same messages must pass */
		if (strncmp(file, "rfc5118/", 8) == 0 && strstr(reason, "Content-Length") &&
		    o->why && strcmp(o->why, "Content-Length Larger Than Body") == 0) {
			printf("   note: %s: archive Content-Length exceeds its body; only the "
			       "framing differs from rfc5118-wire/\n", file);
			return true;
		}
		return false;
	}
	if (strcmp(alt, "must-drop-response") == 0)
		return !o->framed || (!o->request && o->dropped);
	if (sscanf(alt, "must-reject-%u", &code) == 1 ||
	    sscanf(alt, "valid-syntax-but-reject-at-app-layer:%u", &code) == 1 ||
	    (sscanf(alt, "%u-acceptable", &code) == 1)) {
		const char *paren = strchr(alt, '(');
		if (paren && strncmp(paren, "(registrar)", 11) == 0) {
			/* not a registrar: the message must parse and get the
			 * answer of our role for REGISTER */
			return o->framed && o->syntax_ok && o->status == 405;
		}
		if (paren && strncmp(paren, "(proxy-role)", 12) == 0)
			return false;	/* we are the endpoint: see process() */
		if (strncmp(alt, "valid-syntax", 12) == 0 && !o->syntax_ok && code != 400)
			return false;
		return o->framed && o->request && o->status == code;
	}
	if (strcmp(alt, "may-accept-liberally") == 0)
		return o->framed && o->syntax_ok && o->status != 400;
	if (strcmp(alt, "process(endpoint-role)") == 0)
		return o->framed && o->syntax_ok && o->status >= 200 && o->status < 300;
	if (strcmp(alt, "or-RFC2543-matching") == 0)
		return o->framed && o->syntax_ok && o->status != 400;
	if (sscanf(alt, "%u", &code) == 1)	/* "404" after "416|" */
		return o->framed && o->request && o->status == code;
	if (strcmp(alt, "may-reject") == 0)
		return o->framed && (o->status >= 400 || o->dropped);
	if (strcmp(alt, "unspecified-fuzz-seed-must-not-crash") == 0 ||
	    strcmp(alt, "unreferenced-archive-artifact") == 0)
		return true;	/* reaching this line without a crash is the test */
	fprintf(stderr, "unknown expectation \"%s\"\n", alt);
	return false;
}

static bool expectation_met(char *expected, const struct outcome *o, const char *file, const char *reason)
{
	char *save = NULL;

	/* "valid-syntax-but-reject-at-app-layer:416|404": a bare code after
	 * '|' continues the same kind */
	for (char *alt = strtok_r(expected, "|", &save); alt; alt = strtok_r(NULL, "|", &save)) {
		if (alternative_met(alt, o, file, reason))
			return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	char path[4096], line[4096];
	unsigned rows = 0, failed = 0;
	struct stat st;
	FILE *mf;

	if (argc < 2) {
		fprintf(stderr, "usage: %s SIP-CORPUS-DIR\n", argv[0]);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/MANIFEST.tsv", argv[1]);
	if (stat(path, &st) != 0) {
		printf("SKIP: no SIP corpus at %s (MANIFEST.tsv missing)\n", argv[1]);
		return 77;
	}
	mf = fopen(path, "r");
	if (!mf) {
		perror(path);
		return 1;
	}
	if (!fgets(line, sizeof(line), mf)) {	/* column names */
		fclose(mf);
		return 1;
	}
	while (fgets(line, sizeof(line), mf)) {
		char *file, *section, *expected, *reason, *save = NULL;
		char expected_copy[512];
		struct outcome o;
		struct mbuf *mb;

		line[strcspn(line, "\r\n")] = '\0';
		file = strtok_r(line, "\t", &save);
		section = strtok_r(NULL, "\t", &save);
		expected = strtok_r(NULL, "\t", &save);
		reason = strtok_r(NULL, "\t", &save);
		if (!file || !section || !expected)
			continue;
		if (!reason)
			reason = "";
		rows++;
		snprintf(path, sizeof(path), "%s/%s", argv[1], file);
		mb = read_file(path);
		if (!mb) {
			printf("FAIL %-45s cannot read\n", file);
			failed++;
			continue;
		}
		judge(mb, &o);
		snprintf(expected_copy, sizeof(expected_copy), "%s", expected);
		bool ok = expectation_met(expected_copy, &o, file, reason);
		printf("%s %-45s %-40s -> %s%s%u %s\n", ok ? "ok  " : "FAIL", file, expected,
		       !o.framed ? "not framed " : o.request ? "request " : "response ",
		       o.dropped ? "dropped " : "", o.status, o.why ? o.why : "");
		if (!ok)
			failed++;
		mbuf_unref(mb);
	}
	fclose(mf);
	printf("%u passed, %u failed\n", rows - failed, failed);
	return failed ? 1 : 0;
}
