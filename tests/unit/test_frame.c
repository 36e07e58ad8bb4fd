/* Stream framing (RFC 3261 18.3): tp_frame_scan. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "transport/transport.h"

#define OPTIONS_NOBODY                                                   \
	"OPTIONS sip:carrier@127.0.0.21 SIP/2.0\r\n"                     \
	"Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK776asdhds\r\n"    \
	"Max-Forwards: 70\r\n"                                           \
	"To: <sip:carrier@127.0.0.21>\r\n"                               \
	"From: <sip:pbx@127.0.0.11>;tag=1928301774\r\n"                  \
	"Call-ID: a84b4c76e66710\r\n"                                    \
	"CSeq: 63104 OPTIONS\r\n"                                        \
	"Content-Length: 0\r\n"                                          \
	"\r\n"

#define INVITE_SDP                                                       \
	"INVITE sip:bob@127.0.0.21 SIP/2.0\r\n"                          \
	"Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bKnashds8\r\n"      \
	"Max-Forwards: 70\r\n"                                           \
	"To: Bob <sip:bob@127.0.0.21>\r\n"                               \
	"From: Alice <sip:alice@127.0.0.11>;tag=1928301774\r\n"          \
	"Call-ID: a84b4c76e66710@pc33\r\n"                               \
	"CSeq: 314159 INVITE\r\n"                                        \
	"Contact: <sip:alice@127.0.0.11>\r\n"                            \
	"Content-Type: application/sdp\r\n"                              \
	"Content-Length: 134\r\n"                                        \
	"\r\n"                                                           \
	"v=0\r\n"                                                        \
	"o=alice 2890844526 2890844526 IN IP4 127.0.0.11\r\n"            \
	"s=-\r\n"                                                        \
	"c=IN IP4 127.0.0.11\r\n"                                        \
	"t=0 0\r\n"                                                      \
	"m=audio 49170 RTP/AVP 0\r\n"                                    \
	"a=rtpmap:0 PCMU/8000\r\n"

/* scans a whole buffer at once; returns the result, *n the length */
static int scan_all(const char *s, size_t len, size_t *n)
{
	struct tp_frame f;

	tp_frame_init(&f);
	return tp_frame_scan(&f, s, len, n);
}

static int scan_str(const char *s, size_t *n)
{
	return scan_all(s, strlen(s), n);
}

/* One unit the framer cut from a stream. */
struct unit {
	size_t off, len;
	bool keepalive;
	unsigned pongs;
};

/* Feeds the stream in pieces: at each step `avail` grows by the next
 * step size (cycling through steps[]) and every complete unit is cut.
 * returns the number of units, or -1 after EBADMSG. */
static int feed(const char *s, size_t len, const size_t *steps, size_t nsteps,
		struct unit *out, int max)
{
	struct tp_frame f;
	size_t consumed = 0, avail = 0, k = 0;
	int n = 0;

	tp_frame_init(&f);
	while (avail < len) {
		avail += steps[k++ % nsteps];
		if (avail > len)
			avail = len;
		for (;;) {
			size_t m;
			int err = tp_frame_scan(&f, s + consumed, avail - consumed, &m);

			if (err == EAGAIN)
				break;
			if (err == EBADMSG)
				return -1;
			ck_assert_int_eq(err, 0);
			ck_assert_uint_gt(m, 0);
			ck_assert_int_lt(n, max);
			out[n].off = consumed;
			out[n].len = m;
			out[n].keepalive = f.keepalive;
			out[n].pongs = f.pongs;
			n++;
			consumed += m;
		}
	}
	return n;
}

START_TEST(one_message_is_framed_with_its_body)
{
	size_t n = 0;

	ck_assert_int_eq(scan_str(INVITE_SDP, &n), 0);
	ck_assert_uint_eq(n, strlen(INVITE_SDP));
}
END_TEST

START_TEST(message_without_body_is_framed)
{
	size_t n = 0;

	ck_assert_int_eq(scan_str(OPTIONS_NOBODY, &n), 0);
	ck_assert_uint_eq(n, strlen(OPTIONS_NOBODY));
}
END_TEST

START_TEST(two_messages_in_one_read_are_cut_apart)
{
	const char *s = INVITE_SDP OPTIONS_NOBODY;
	struct tp_frame f;
	size_t n, off;

	tp_frame_init(&f);
	ck_assert_int_eq(tp_frame_scan(&f, s, strlen(s), &n), 0);
	ck_assert(!f.keepalive);
	ck_assert_uint_eq(n, strlen(INVITE_SDP));
	off = n;
	ck_assert_int_eq(tp_frame_scan(&f, s + off, strlen(s) - off, &n), 0);
	ck_assert(!f.keepalive);
	ck_assert_uint_eq(n, strlen(OPTIONS_NOBODY));
	off += n;
	ck_assert_int_eq(tp_frame_scan(&f, s + off, strlen(s) - off, &n), EAGAIN);
}
END_TEST

START_TEST(truncated_message_needs_more)
{
	size_t len = strlen(INVITE_SDP), n = 0;

	/* headers incomplete, then body incomplete */
	ck_assert_int_eq(scan_all(INVITE_SDP, 40, &n), EAGAIN);
	ck_assert_int_eq(scan_all(INVITE_SDP, len - 1, &n), EAGAIN);
}
END_TEST

START_TEST(every_split_position_gives_the_same_units)
{
	const char *s = "\r\n\r\n" INVITE_SDP "\r\n" OPTIONS_NOBODY "\r\n\r\n" INVITE_SDP;
	size_t len = strlen(s);
	struct unit whole[8], part[8];
	const size_t all[] = { len };
	const size_t one[] = { 1 };
	int nwhole = feed(s, len, all, 1, whole, 8);

	ck_assert_int_eq(nwhole, 6);
	ck_assert(whole[0].keepalive);
	ck_assert_uint_eq(whole[0].pongs, 1);
	ck_assert(!whole[1].keepalive);
	ck_assert_uint_eq(whole[1].len, strlen(INVITE_SDP));
	ck_assert(whole[2].keepalive);
	ck_assert_uint_eq(whole[2].pongs, 0);
	ck_assert_uint_eq(whole[3].len, strlen(OPTIONS_NOBODY));
	ck_assert(whole[4].keepalive);
	ck_assert_uint_eq(whole[4].pongs, 1);
	ck_assert_uint_eq(whole[5].len, strlen(INVITE_SDP));

	/* byte by byte: keep-alive runs may come in smaller pieces, the
	 * messages must be the same and the pongs add up the same */
	for (size_t split = 1; split < len; split++) {
		const size_t steps[] = { split, len };
		int np = feed(s, len, steps, 2, part, 8);
		int i, j = 0;

		ck_assert_int_ge(np, nwhole);
		for (i = 0; i < nwhole; i++) {
			unsigned pongs = 0;
			size_t kalen = 0;

			if (!whole[i].keepalive) {
				ck_assert_uint_eq(part[j].off, whole[i].off);
				ck_assert_uint_eq(part[j].len, whole[i].len);
				ck_assert(!part[j].keepalive);
				j++;
				continue;
			}
			while (j < np && part[j].keepalive) {
				pongs += part[j].pongs;
				kalen += part[j].len;
				j++;
			}
			ck_assert_uint_eq(kalen, whole[i].len);
			ck_assert_uint_eq(pongs, whole[i].pongs);
		}
		ck_assert_int_eq(j, np);
	}

	{
		int np = feed(s, len, one, 1, part, 8);
		int messages = 0;
		unsigned pongs = 0;

		for (int i = 0; i < np; i++) {
			if (part[i].keepalive) {
				pongs += part[i].pongs;
			} else {
				messages++;
			}
		}
		ck_assert_int_eq(messages, 3);
		ck_assert_uint_eq(pongs, 2);
	}
}
END_TEST

START_TEST(scanned_bytes_are_not_rescanned)
{
	char buf[sizeof(INVITE_SDP)];
	const char *cl = "Content-Length: 134";
	struct tp_frame f;
	size_t len = strlen(INVITE_SDP), n = 0;
	char *p;

	memcpy(buf, INVITE_SDP, sizeof(buf));
	tp_frame_init(&f);
	ck_assert_int_eq(tp_frame_scan(&f, buf, len - 10, &n), EAGAIN);
	/* the header section was read already: changing it now must not
	 * matter, proving the scanner resumed instead of starting over */
	p = strstr(buf, cl);
	ck_assert_ptr_nonnull(p);
	memcpy(p + strlen("Content-Length: "), "999", 3);
	ck_assert_int_eq(tp_frame_scan(&f, buf, len, &n), 0);
	ck_assert_uint_eq(n, len);
}
END_TEST

START_TEST(compact_l_header_gives_the_length)
{
	const char *s = "MESSAGE sip:bob@127.0.0.21 SIP/2.0\r\n"
			"Via: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK1\r\n"
			"c: text/plain\r\n"
			"l:5\r\n"
			"\r\n"
			"hello"
			"NEXT";
	size_t n = 0;

	ck_assert_int_eq(scan_str(s, &n), 0);
	ck_assert_uint_eq(n, strlen(s) - 4);
}
END_TEST

START_TEST(header_name_is_case_insensitive_and_may_precede_spaces)
{
	const char *s = "BYE sip:bob@127.0.0.21 SIP/2.0\r\n"
			"content-LENGTH \t: 2\r\n"
			"\r\n"
			"okXX";
	const char *compact = "BYE sip:bob@127.0.0.21 SIP/2.0\r\n"
			      "L : 2\r\n"
			      "\r\n"
			      "okXX";
	size_t n = 0;

	ck_assert_int_eq(scan_str(s, &n), 0);
	ck_assert_uint_eq(n, strlen(s) - 2);
	ck_assert_int_eq(scan_str(compact, &n), 0);
	ck_assert_uint_eq(n, strlen(compact) - 2);
}
END_TEST

START_TEST(lookalike_and_folded_headers_do_not_count)
{
	/* X-Content-Length is another header; "l: 99" inside a folded
	 * Subject is part of the Subject value */
	const char *s = "MESSAGE sip:bob@127.0.0.21 SIP/2.0\r\n"
			"X-Content-Length: 77\r\n"
			"Subject: the length is\r\n"
			" l: 99\r\n"
			"Content-Length: 3\r\n"
			"\r\n"
			"abc";
	size_t n = 0;

	ck_assert_int_eq(scan_str(s, &n), 0);
	ck_assert_uint_eq(n, strlen(s));
}
END_TEST

START_TEST(folded_content_length_value_is_read)
{
	const char *s = "MESSAGE sip:bob@127.0.0.21 SIP/2.0\r\n"
			"Content-Length:\r\n"
			"   4\r\n"
			"Call-ID: x\r\n"
			"\r\n"
			"abcdEXTRA";
	size_t n = 0;

	ck_assert_int_eq(scan_str(s, &n), 0);
	ck_assert_uint_eq(n, strlen(s) - 5);
}
END_TEST

START_TEST(crlf_keepalives_are_skipped_and_pings_counted)
{
	const char *s = "\r\n\r\n\r\n" OPTIONS_NOBODY;
	struct tp_frame f;
	size_t n;

	tp_frame_init(&f);
	ck_assert_int_eq(tp_frame_scan(&f, s, strlen(s), &n), 0);
	ck_assert(f.keepalive);
	ck_assert_uint_eq(n, 6);
	ck_assert_uint_eq(f.pongs, 1);
	ck_assert_int_eq(tp_frame_scan(&f, s + n, strlen(s) - n, &n), 0);
	ck_assert(!f.keepalive);
	ck_assert_uint_eq(n, strlen(OPTIONS_NOBODY));
}
END_TEST

START_TEST(ping_split_over_two_reads_is_one_ping)
{
	struct tp_frame f;
	size_t n;

	tp_frame_init(&f);
	ck_assert_int_eq(tp_frame_scan(&f, "\r\n", 2, &n), 0);
	ck_assert(f.keepalive);
	ck_assert_uint_eq(f.pongs, 0);
	/* a lone CR may be the start of the next CRLF */
	ck_assert_int_eq(tp_frame_scan(&f, "\r", 1, &n), EAGAIN);
	ck_assert_int_eq(tp_frame_scan(&f, "\r\n", 2, &n), 0);
	ck_assert(f.keepalive);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(f.pongs, 1);
}
END_TEST

START_TEST(empty_input_needs_more)
{
	struct tp_frame f;
	size_t n;

	tp_frame_init(&f);
	ck_assert_int_eq(tp_frame_scan(&f, "", 0, &n), EAGAIN);
	ck_assert_int_eq(tp_frame_scan(&f, NULL, 0, &n), EAGAIN);
	ck_assert_int_eq(tp_frame_scan(NULL, "x", 1, &n), EINVAL);
	ck_assert_int_eq(tp_frame_scan(&f, "x", 1, NULL), EINVAL);
}
END_TEST

START_TEST(missing_content_length_is_unframeable)
{
	const char *s = "OPTIONS sip:carrier@127.0.0.21 SIP/2.0\r\n"
			"Via: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK1\r\n"
			"\r\n";
	size_t n;

	ck_assert_int_eq(scan_str(s, &n), EBADMSG);
}
END_TEST

START_TEST(bad_content_length_values_are_unframeable)
{
	static const char *const vals[] = {
		"-1", "abc", "", " ", "12a", "1 2", "+5", "0x10", "70000",
		"99999999999999999999", "65536",
	};
	char buf[256];
	size_t n;

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		snprintf(buf, sizeof(buf),
			 "OPTIONS sip:carrier@127.0.0.21 SIP/2.0\r\n"
			 "Content-Length: %s\r\n"
			 "\r\n", vals[i]);
		ck_assert_msg(scan_str(buf, &n) == EBADMSG, "Content-Length '%s' accepted", vals[i]);
	}
}
END_TEST

START_TEST(conflicting_content_lengths_are_unframeable)
{
	const char *conflict = "OPTIONS sip:carrier@127.0.0.21 SIP/2.0\r\n"
			       "Content-Length: 4\r\n"
			       "l: 5\r\n"
			       "\r\n"
			       "abcde";
	const char *same = "OPTIONS sip:carrier@127.0.0.21 SIP/2.0\r\n"
			   "Content-Length: 4\r\n"
			   "Content-Length: 0004\r\n"
			   "\r\n"
			   "abcd";
	size_t n;

	ck_assert_int_eq(scan_str(conflict, &n), EBADMSG);
	ck_assert_int_eq(scan_str(same, &n), 0);
	ck_assert_uint_eq(n, strlen(same));
}
END_TEST

START_TEST(message_over_the_size_limit_is_unframeable)
{
	char head[128];
	size_t n;

	/* small header section, but header + body above TP_FRAME_MAX */
	snprintf(head, sizeof(head),
		 "MESSAGE sip:bob@127.0.0.21 SIP/2.0\r\nContent-Length: %d\r\n\r\n",
		 TP_FRAME_MAX - 10);
	ck_assert_int_eq(scan_str(head, &n), EBADMSG);
}
END_TEST

START_TEST(endless_header_section_is_unframeable)
{
	size_t len = TP_FRAME_MAX + 100, n;
	char *s = malloc(len);
	struct tp_frame f;
	size_t i;

	ck_assert_ptr_nonnull(s);
	/* header lines that never end in a blank line */
	memcpy(s, "INVITE sip:x SIP/2.0\r\n", 22);
	for (i = 22; i + 12 <= len; i += 12)
		memcpy(s + i, "X-Pad: 1234\n", 12);
	for (; i < len; i++)
		s[i] = 'a';
	tp_frame_init(&f);
	ck_assert_int_eq(tp_frame_scan(&f, s, TP_FRAME_MAX / 2, &n), EAGAIN);
	ck_assert_int_eq(tp_frame_scan(&f, s, len, &n), EBADMSG);

	/* and one line without any line end */
	memset(s, 'a', len);
	tp_frame_init(&f);
	ck_assert_int_eq(tp_frame_scan(&f, s, TP_FRAME_MAX - 1, &n), EAGAIN);
	ck_assert_int_eq(tp_frame_scan(&f, s, len, &n), EBADMSG);
	free(s);
}
END_TEST

START_TEST(body_with_blank_lines_is_kept_whole)
{
	const char *s = "MESSAGE sip:bob@127.0.0.21 SIP/2.0\r\n"
			"Content-Type: text/plain\r\n"
			"Content-Length: 12\r\n"
			"\r\n"
			"a\r\n\r\nb\r\n\r\ncd"
			"OPTIONS";
	size_t n = 0;

	ck_assert_int_eq(scan_str(s, &n), 0);
	ck_assert_uint_eq(n, strlen(s) - 7);
}
END_TEST

START_TEST(lf_only_message_is_framed)
{
	const char *s = "OPTIONS sip:carrier@127.0.0.21 SIP/2.0\n"
			"Via: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK1\n"
			"Content-Length: 3\n"
			"\n"
			"xyz"
			"\n\n";
	struct tp_frame f;
	size_t n = 0, len = strlen(s);

	tp_frame_init(&f);
	ck_assert_int_eq(tp_frame_scan(&f, s, len, &n), 0);
	ck_assert_uint_eq(n, len - 2);
	/* LFLF between messages is a keep-alive too */
	ck_assert_int_eq(tp_frame_scan(&f, s + n, 2, &n), 0);
	ck_assert(f.keepalive);
	ck_assert_uint_eq(n, 2);
}
END_TEST

START_TEST(exact_size_limit_is_accepted)
{
	const char *head = "MESSAGE sip:bob@127.0.0.21 SIP/2.0\r\nContent-Length: ";
	char prefix[128];
	size_t hlen, body, n;
	char *s;

	/* header section + body == TP_FRAME_MAX exactly */
	snprintf(prefix, sizeof(prefix), "%s%05u\r\n\r\n", head, 0u);
	hlen = strlen(prefix);
	body = TP_FRAME_MAX - hlen;
	snprintf(prefix, sizeof(prefix), "%s%05zu\r\n\r\n", head, body);
	ck_assert_uint_eq(strlen(prefix), hlen);
	s = malloc(TP_FRAME_MAX + 1);
	ck_assert_ptr_nonnull(s);
	memcpy(s, prefix, hlen);
	memset(s + hlen, 'b', body + 1);
	ck_assert_int_eq(scan_all(s, TP_FRAME_MAX + 1, &n), 0);
	ck_assert_uint_eq(n, TP_FRAME_MAX);

	snprintf(prefix, sizeof(prefix), "%s%05zu\r\n\r\n", head, body + 1);
	memcpy(s, prefix, hlen);
	ck_assert_int_eq(scan_all(s, TP_FRAME_MAX + 1, &n), EBADMSG);
	free(s);
}
END_TEST

static Suite *frame_suite(void)
{
	Suite *s = suite_create("frame");
	TCase *tc = tcase_create("scan");

	tcase_add_test(tc, one_message_is_framed_with_its_body);
	tcase_add_test(tc, message_without_body_is_framed);
	tcase_add_test(tc, two_messages_in_one_read_are_cut_apart);
	tcase_add_test(tc, truncated_message_needs_more);
	tcase_add_test(tc, every_split_position_gives_the_same_units);
	tcase_add_test(tc, scanned_bytes_are_not_rescanned);
	tcase_add_test(tc, compact_l_header_gives_the_length);
	tcase_add_test(tc, header_name_is_case_insensitive_and_may_precede_spaces);
	tcase_add_test(tc, lookalike_and_folded_headers_do_not_count);
	tcase_add_test(tc, folded_content_length_value_is_read);
	tcase_add_test(tc, crlf_keepalives_are_skipped_and_pings_counted);
	tcase_add_test(tc, ping_split_over_two_reads_is_one_ping);
	tcase_add_test(tc, empty_input_needs_more);
	tcase_add_test(tc, missing_content_length_is_unframeable);
	tcase_add_test(tc, bad_content_length_values_are_unframeable);
	tcase_add_test(tc, conflicting_content_lengths_are_unframeable);
	tcase_add_test(tc, message_over_the_size_limit_is_unframeable);
	tcase_add_test(tc, endless_header_section_is_unframeable);
	tcase_add_test(tc, body_with_blank_lines_is_kept_whole);
	tcase_add_test(tc, lf_only_message_is_framed);
	tcase_add_test(tc, exact_size_limit_is_accepted);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(frame_suite());
}
