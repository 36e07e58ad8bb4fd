/* Server transactions (RFC 3261 17.2, RFC 6026 7.1, CANCEL of 9.2):
 * absorbing retransmissions, re-sending responses, the timers, matching. */
#include "tsx_fixture.h"

/* An INVITE from the PBX side.  branch, cseq and the To tag vary. */
static struct sip_msg *invite_to(const char *branch_param, unsigned cseq, const char *totag)
{
	return parse_fmt("INVITE sip:+15551234@127.0.0.1 SIP/2.0\r\n"
			 "Via: SIP/2.0/UDP 127.0.0.11:5060%s\r\n"
			 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bKinner\r\n"
			 "Max-Forwards: 70\r\n"
			 "From: <sip:100@127.0.0.11>;tag=pbx1\r\n"
			 "To: <sip:+15551234@127.0.0.1>%s%s\r\n"
			 "Call-ID: call-srv-1@127.0.0.11\r\n"
			 "CSeq: %u INVITE\r\n"
			 "Contact: <sip:100@127.0.0.11>\r\n"
			 "Content-Length: 0\r\n"
			 "\r\n",
			 branch_param, totag ? ";tag=" : "", totag ? totag : "", cseq);
}

static struct sip_msg *invite(const char *branch_param, unsigned cseq)
{
	return invite_to(branch_param, cseq, NULL);
}

/* an ACK or CANCEL for the INVITE above */
static struct sip_msg *companion(const char *method, const char *branch_param,
				 const char *sent_by, const char *totag)
{
	return parse_fmt("%s sip:+15551234@127.0.0.1 SIP/2.0\r\n"
			 "Via: SIP/2.0/UDP %s%s\r\n"
			 "Max-Forwards: 70\r\n"
			 "From: <sip:100@127.0.0.11>;tag=pbx1\r\n"
			 "To: <sip:+15551234@127.0.0.1>%s%s\r\n"
			 "Call-ID: call-srv-1@127.0.0.11\r\n"
			 "CSeq: 1 %s\r\n"
			 "Content-Length: 0\r\n"
			 "\r\n",
			 method, sent_by, branch_param, totag ? ";tag=" : "", totag ? totag : "",
			 method);
}

static const char options_req[] =
	"OPTIONS sip:127.0.0.1 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 127.0.0.21:5060;branch=z9hG4bKopt77\r\n"
	"Max-Forwards: 70\r\n"
	"From: <sip:carrier@127.0.0.21>;tag=c1\r\n"
	"To: <sip:127.0.0.1>\r\n"
	"Call-ID: ping-1\r\n"
	"CSeq: 3 OPTIONS\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

/* hands req to the layer and frees it; returns what tsx_server_recv did */
static int recv_req(struct sip_msg *req, enum sip_transport tp, struct tsx **stp)
{
	struct tp_dest d = dest(tp);
	struct tsx *st = (struct tsx *)&st;	/* poison: must be written */
	int err;

	err = tsx_server_recv(F.l, req, &d, &st);
	sip_msg_free(req);
	if (stp)
		*stp = st;
	return err;
}

static struct tsx *new_tsx(struct sip_msg *req, enum sip_transport tp)
{
	struct tsx *st;

	ck_assert_int_eq(recv_req(req, tp, &st), 0);
	ck_assert_ptr_nonnull(st);
	tsx_server_set_handler(st, on_srv, NULL);
	return st;
}

/* The TU answers: the response is built from the request as the core
 * would, with our To tag. */
static int answer(struct tsx *st, struct sip_msg *req, uint16_t code)
{
	struct mbuf *mb;
	int err;

	ck_assert_int_eq(sip_build_response(&mb, req, code, NULL, "b2b9", NULL, NULL, NULL), 0);
	err = tsx_respond(st, code, mb);
	mbuf_unref(mb);
	sip_msg_free(req);
	return err;
}

static unsigned status_of(unsigned i)
{
	struct sip_msg *m = parse_sent(i);
	unsigned sc = m->scode;

	ck_assert(!m->req);
	sip_msg_free(m);
	return sc;
}

START_TEST(ist_sends_100_trying_at_once)
{
	struct tsx *st = new_tsx(invite(";branch=z9hG4bKinv1", 1), SIP_TP_UDP);
	struct sip_msg *m;

	ck_assert_int_eq(tsx_kind(st), TSX_IST);
	ck_assert_int_eq(tsx_state(st), TSX_PROCEEDING);
	ck_assert_str_eq(tsx_id(st), "tsx:z9hG4bKinv1");
	ck_assert_uint_eq(F.nsent, 1);
	m = parse_sent(0);
	ck_assert_uint_eq(m->scode, 100);
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_VIA), 2);
	assert_pl(&m->via.branch, "z9hG4bKinv1");
	ck_assert_ptr_null(m->to.tag.p);
	ck_assert_uint_eq(m->cseq.num, 1);
	sip_msg_free(m);
}
END_TEST

START_TEST(ist_retransmitted_invite_gets_the_last_response_again)
{
	struct tsx *st = new_tsx(invite(";branch=z9hG4bKinv1", 1), SIP_TP_UDP);
	struct tsx_stats s;

	ck_assert_int_eq(recv_req(invite(";branch=z9hG4bKinv1", 1), SIP_TP_UDP, NULL), EALREADY);
	ck_assert_uint_eq(F.nsent, 2);
	ck_assert(sent_same(0, 1));

	ck_assert_int_eq(answer(st, invite(";branch=z9hG4bKinv1", 1), 180), 0);
	ck_assert_uint_eq(F.nsent, 3);
	ck_assert_uint_eq(status_of(2), 180);
	ck_assert_int_eq(recv_req(invite(";branch=z9hG4bKinv1", 1), SIP_TP_UDP, NULL), EALREADY);
	ck_assert_uint_eq(F.nsent, 4);
	ck_assert(sent_same(2, 3));

	tsx_layer_stats(F.l, &s);
	ck_assert_uint_eq(s.created[TSX_IST], 1);
	ck_assert_uint_eq(s.absorbed, 2);
	ck_assert_uint_eq(s.retransmits, 2);
}
END_TEST

START_TEST(ist_timer_g_repeats_the_final_until_the_ack)
{
	struct tsx *st = new_tsx(invite(";branch=z9hG4bKinv1", 1), SIP_TP_UDP);
	struct tsx *none = (struct tsx *)&none;
	unsigned n;

	ck_assert_int_eq(answer(st, invite(";branch=z9hG4bKinv1", 1), 486), 0);
	ck_assert_int_eq(tsx_state(st), TSX_COMPLETED);
	ck_assert_uint_eq(F.nsent, 2);

	/* G: T1, 2T1, then capped at T2 */
	RUN_UNTIL(F.nsent >= 5, 1.0);
	ck_assert_uint_eq(F.nsent, 5);
	assert_at(F.sent[2].at - F.sent[1].at, 1 * T1);
	assert_at(F.sent[3].at - F.sent[1].at, 3 * T1);
	assert_at(F.sent[4].at - F.sent[1].at, 7 * T1);
	ck_assert(sent_same(1, 4));
	ck_assert_uint_eq(status_of(4), 486);

	/* a retransmitted INVITE in Completed gets the 486 again */
	ck_assert_int_eq(recv_req(invite(";branch=z9hG4bKinv1", 1), SIP_TP_UDP, NULL), EALREADY);
	ck_assert_uint_eq(F.nsent, 6);
	ck_assert(sent_same(1, 5));

	/* the ACK (same branch, To tag of our 486) confirms and is absorbed */
	ck_assert_int_eq(recv_req(companion("ACK", ";branch=z9hG4bKinv1", "127.0.0.11:5060", "b2b9"),
				  SIP_TP_UDP, &none), 0);
	ck_assert_ptr_null(none);
	ck_assert_int_eq(tsx_state(st), TSX_CONFIRMED);
	n = F.nsent;
	/* a retransmitted ACK is absorbed too */
	ck_assert_int_eq(recv_req(companion("ACK", ";branch=z9hG4bKinv1", "127.0.0.11:5060", "b2b9"),
				  SIP_TP_UDP, NULL), 0);

	/* timer I */
	RUN_UNTIL(ended(st), 1.0);
	ck_assert(ended(st));
	ck_assert_uint_eq(F.nsent, n);		/* no 486 after the ACK */
	ck_assert_uint_eq(F.nev, 0);
	/* now the ACK belongs to nobody */
	ck_assert_int_eq(recv_req(companion("ACK", ";branch=z9hG4bKinv1", "127.0.0.11:5060", "b2b9"),
				  SIP_TP_UDP, NULL), ENOENT);
}
END_TEST

START_TEST(ist_timer_h_reports_a_missing_ack)
{
	struct tsx *st = new_tsx(invite(";branch=z9hG4bKinv1", 1), SIP_TP_UDP);
	double t0;

	tsx_server_set_handler(st, on_srv, NULL);
	ck_assert_int_eq(answer(st, invite(";branch=z9hG4bKinv1", 1), 503), 0);
	t0 = F.sent[1].at;
	RUN_UNTIL(F.nev > 0, 3.0);

	ck_assert_uint_eq(F.nev, 1);
	ck_assert_int_eq(F.ev[0].err, ETIMEDOUT);
	assert_at(F.ev[0].at - t0, 64 * T1);
	ck_assert(ended(st));
	/* the 503 at 0, then G at 1, 3, 7 T1 and every T2 up to 63 T1 */
	ck_assert_uint_eq(F.nsent - 1, 18);
}
END_TEST

START_TEST(ist_tcp_no_timer_g_and_the_ack_ends_it)
{
	struct tsx *st = new_tsx(invite(";branch=z9hG4bKinv1", 1), SIP_TP_TCP);

	ck_assert_int_eq(answer(st, invite(";branch=z9hG4bKinv1", 1), 486), 0);
	RUN_FOR(10 * T1);
	ck_assert_uint_eq(F.nsent, 2);
	ck_assert_int_eq(recv_req(companion("ACK", ";branch=z9hG4bKinv1", "127.0.0.11:5060", "b2b9"),
				  SIP_TP_TCP, NULL), 0);
	ck_assert(ended(st));	/* timer I is zero */
}
END_TEST

START_TEST(ist_2xx_accepted_leaves_the_ack_to_the_tu)
{
	struct tsx *st = new_tsx(invite(";branch=z9hG4bKinv1", 1), SIP_TP_UDP);

	ck_assert_int_eq(answer(st, invite(";branch=z9hG4bKinv1", 1), 200), 0);
	ck_assert_int_eq(tsx_state(st), TSX_ACCEPTED);
	ck_assert_uint_eq(F.nsent, 2);

	/* RFC 6026 7.1: the retransmitted INVITE is absorbed without a
	 * response (the TU re-sends its 2xx itself) ... */
	ck_assert_int_eq(recv_req(invite(";branch=z9hG4bKinv1", 1), SIP_TP_UDP, NULL), EALREADY);
	ck_assert_uint_eq(F.nsent, 2);
	/* ... which it may do through the transaction */
	ck_assert_int_eq(answer(st, invite(";branch=z9hG4bKinv1", 1), 200), 0);
	ck_assert_uint_eq(F.nsent, 3);
	ck_assert_int_eq(answer(st, invite(";branch=z9hG4bKinv1", 1), 486), EPROTO);

	/* the ACK for a 2xx is never absorbed, whatever its branch */
	ck_assert_int_eq(recv_req(companion("ACK", ";branch=z9hG4bKack2xx", "127.0.0.11:5060", "b2b9"),
				  SIP_TP_UDP, NULL), ENOENT);
	ck_assert_int_eq(recv_req(companion("ACK", ";branch=z9hG4bKinv1", "127.0.0.11:5060", "b2b9"),
				  SIP_TP_UDP, NULL), ENOENT);
	ck_assert_int_eq(tsx_state(st), TSX_ACCEPTED);

	/* timer L */
	RUN_UNTIL(ended(st), 2.0);
	ck_assert(ended(st));
	ck_assert_uint_eq(F.nsent, 3);
}
END_TEST

START_TEST(nist_absorbs_retransmissions_and_timer_j_ends_it)
{
	struct tsx *st = new_tsx(parse_str(options_req), SIP_TP_UDP);
	struct tsx_stats s;
	struct tsx *again;
	double t0;

	ck_assert_int_eq(tsx_kind(st), TSX_NIST);
	ck_assert_int_eq(tsx_state(st), TSX_TRYING);
	ck_assert_uint_eq(F.nsent, 0);		/* no automatic 100 for non-INVITE */
	/* Trying: nothing to re-send yet */
	ck_assert_int_eq(recv_req(parse_str(options_req), SIP_TP_UDP, NULL), EALREADY);
	ck_assert_uint_eq(F.nsent, 0);

	ck_assert_int_eq(answer(st, parse_str(options_req), 200), 0);
	ck_assert_int_eq(tsx_state(st), TSX_COMPLETED);
	ck_assert_uint_eq(F.nsent, 1);
	t0 = F.sent[0].at;
	ck_assert_int_eq(recv_req(parse_str(options_req), SIP_TP_UDP, NULL), EALREADY);
	ck_assert_uint_eq(F.nsent, 2);
	ck_assert(sent_same(0, 1));
	ck_assert_int_eq(answer(st, parse_str(options_req), 404), EPROTO);

	/* timer J is 64*T1 over UDP */
	RUN_FOR(32 * T1);
	ck_assert_int_eq(tsx_state(st), TSX_COMPLETED);
	RUN_UNTIL(ended(st), 2.0);
	ck_assert(ended(st));
	ck_assert(ev_now(F.loop) - t0 >= 64 * T1 - EPS);
	ck_assert_uint_eq(F.nsent, 2);		/* no retransmission on its own */

	/* after J the same request is new again */
	again = new_tsx(parse_str(options_req), SIP_TP_UDP);
	tsx_layer_stats(F.l, &s);
	ck_assert_uint_eq(s.live, 1);
	ck_assert_uint_eq(s.created[TSX_NIST], 2);
	ck_assert_uint_eq(s.terminated[TSX_NIST], 1);
	ck_assert_int_eq(tsx_state(again), TSX_TRYING);
}
END_TEST

START_TEST(nist_proceeding_resends_the_provisional)
{
	struct tsx *st = new_tsx(parse_str(options_req), SIP_TP_UDP);

	ck_assert_int_eq(answer(st, parse_str(options_req), 183), 0);
	ck_assert_int_eq(tsx_state(st), TSX_PROCEEDING);
	ck_assert_int_eq(recv_req(parse_str(options_req), SIP_TP_UDP, NULL), EALREADY);
	ck_assert_uint_eq(F.nsent, 2);
	ck_assert_uint_eq(status_of(1), 183);
}
END_TEST

START_TEST(nist_tcp_final_terminates_at_once)
{
	struct tsx *st = new_tsx(parse_str(options_req), SIP_TP_TCP);

	ck_assert_int_eq(answer(st, parse_str(options_req), 200), 0);
	ck_assert(ended(st));	/* timer J is zero */
}
END_TEST

START_TEST(cancel_finds_its_invite_and_no_other)
{
	struct tsx *a = new_tsx(invite(";branch=z9hG4bKinvA", 1), SIP_TP_UDP);
	struct tsx *b = new_tsx(invite(";branch=z9hG4bKinvB", 1), SIP_TP_UDP);
	struct sip_msg *cancel;
	struct tsx *c;

	ck_assert_ptr_ne(a, b);
	cancel = companion("CANCEL", ";branch=z9hG4bKinvB", "127.0.0.11:5060", NULL);
	ck_assert_ptr_eq(tsx_server_find_invite(F.l, cancel), b);

	/* the CANCEL is a transaction of its own, not a retransmission */
	c = new_tsx(cancel, SIP_TP_UDP);
	ck_assert_int_eq(tsx_kind(c), TSX_NIST);
	ck_assert_ptr_ne(c, b);
	ck_assert_int_eq(recv_req(companion("CANCEL", ";branch=z9hG4bKinvB", "127.0.0.11:5060", NULL),
				  SIP_TP_UDP, NULL), EALREADY);

	/* another sent-by or branch refers to nothing */
	cancel = companion("CANCEL", ";branch=z9hG4bKinvB", "127.0.0.99:5060", NULL);
	ck_assert_ptr_null(tsx_server_find_invite(F.l, cancel));
	sip_msg_free(cancel);
	cancel = companion("CANCEL", ";branch=z9hG4bKinvC", "127.0.0.11:5060", NULL);
	ck_assert_ptr_null(tsx_server_find_invite(F.l, cancel));
	sip_msg_free(cancel);
	cancel = companion("CANCEL", ";branch=z9hG4bKinvA", "127.0.0.11:5060", NULL);
	ck_assert_ptr_eq(tsx_server_find_invite(F.l, cancel), a);
	sip_msg_free(cancel);
}
END_TEST

START_TEST(rfc2543_invite_without_cookie_is_matched_by_its_fields)
{
	struct tsx *st = new_tsx(invite(";branch=1234abcd", 1), SIP_TP_UDP);
	struct tsx *other, *none = (struct tsx *)&none;
	struct sip_msg *cancel;

	ck_assert(strncmp(tsx_id(st), "tsx:2543:", 9) == 0);
	ck_assert_int_eq(recv_req(invite(";branch=1234abcd", 1), SIP_TP_UDP, NULL), EALREADY);
	ck_assert_uint_eq(F.nsent, 2);
	ck_assert(sent_same(0, 1));

	/* another CSeq is another transaction; so are another To tag and
	 * another top Via */
	other = new_tsx(invite(";branch=1234abcd", 2), SIP_TP_UDP);
	ck_assert_ptr_ne(other, st);
	other = new_tsx(invite_to(";branch=1234abcd", 1, "t1"), SIP_TP_UDP);
	ck_assert_ptr_ne(other, st);
	other = new_tsx(invite(";branch=5678", 1), SIP_TP_UDP);
	ck_assert_ptr_ne(other, st);

	/* CANCEL by the same fields (9.2) */
	cancel = companion("CANCEL", ";branch=1234abcd", "127.0.0.11:5060", NULL);
	ck_assert_ptr_eq(tsx_server_find_invite(F.l, cancel), st);
	sip_msg_free(cancel);

	/* the ACK is matched by the To tag of our final response */
	ck_assert_int_eq(answer(st, invite(";branch=1234abcd", 1), 486), 0);
	ck_assert_int_eq(recv_req(companion("ACK", ";branch=1234abcd", "127.0.0.11:5060", "wrong"),
				  SIP_TP_UDP, NULL), ENOENT);
	ck_assert_int_eq(tsx_state(st), TSX_COMPLETED);
	ck_assert_int_eq(recv_req(companion("ACK", ";branch=1234abcd", "127.0.0.11:5060", "b2b9"),
				  SIP_TP_UDP, &none), 0);
	ck_assert_ptr_null(none);
	ck_assert_int_eq(tsx_state(st), TSX_CONFIRMED);
}
END_TEST

START_TEST(rfc2543_rules_for_no_branch_and_the_bare_cookie)
{
	struct tsx *a = new_tsx(invite("", 1), SIP_TP_UDP);
	struct tsx *b = new_tsx(invite(";branch=z9hG4bK", 1), SIP_TP_UDP);

	ck_assert_ptr_ne(a, b);	/* the top Vias differ in their parameters */
	ck_assert_int_eq(recv_req(invite("", 1), SIP_TP_UDP, NULL), EALREADY);
	ck_assert_int_eq(recv_req(invite(";branch=z9hG4bK", 1), SIP_TP_UDP, NULL), EALREADY);
	ck_assert_uint_eq(F.nsent, 4);
}
END_TEST

START_TEST(server_send_error_terminates_the_transaction)
{
	struct tsx *st = new_tsx(invite(";branch=z9hG4bKinv1", 1), SIP_TP_UDP);

	F.fail_from = 2;
	F.fail_err = ECONNRESET;
	ck_assert_int_eq(answer(st, invite(";branch=z9hG4bKinv1", 1), 180), ECONNRESET);
	ck_assert(ended(st));
}
END_TEST

START_TEST(server_error_on_retransmission_goes_to_the_handler)
{
	struct tsx *st = new_tsx(invite(";branch=z9hG4bKinv1", 1), SIP_TP_UDP);

	tsx_server_set_handler(st, on_srv, NULL);
	ck_assert_int_eq(answer(st, invite(";branch=z9hG4bKinv1", 1), 486), 0);
	F.fail_from = 3;	/* timer G's first re-send fails */
	F.fail_err = ENOBUFS;
	RUN_UNTIL(F.nev > 0, 1.0);
	ck_assert_uint_eq(F.nev, 1);
	ck_assert_int_eq(F.ev[0].err, ENOBUFS);
	ck_assert(ended(st));
}
END_TEST

START_TEST(trying_send_error_leaves_no_transaction)
{
	struct tsx_stats s;

	F.fail_from = 1;
	F.fail_err = EPIPE;
	ck_assert_int_eq(recv_req(invite(";branch=z9hG4bKinv1", 1), SIP_TP_TCP, NULL), EPIPE);
	tsx_layer_stats(F.l, &s);
	ck_assert_uint_eq(s.live, 0);
}
END_TEST

START_TEST(many_transactions_stay_matchable_as_the_table_grows)
{
	char branch[64];
	struct tsx *st[600];
	unsigned i;

	for (i = 0; i < 600; i++) {
		snprintf(branch, sizeof(branch), ";branch=z9hG4bKmany%u", i);
		ck_assert_int_eq(recv_req(invite(branch, 1), SIP_TP_TCP, &st[i]), 0);
	}
	for (i = 0; i < 600; i++) {
		struct sip_msg *cancel;

		snprintf(branch, sizeof(branch), ";branch=z9hG4bKmany%u", i);
		cancel = companion("CANCEL", branch, "127.0.0.11:5060", NULL);
		ck_assert_ptr_eq(tsx_server_find_invite(F.l, cancel), st[i]);
		sip_msg_free(cancel);
	}
	for (i = 0; i < 600; i++)
		tsx_detach(st[i]);
}
END_TEST

static Suite *tsx_server_suite(void)
{
	Suite *s = suite_create("tsx_server");
	TCase *tc = tcase_create("server");

	tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, ist_sends_100_trying_at_once);
	tcase_add_test(tc, ist_retransmitted_invite_gets_the_last_response_again);
	tcase_add_test(tc, ist_timer_g_repeats_the_final_until_the_ack);
	tcase_add_test(tc, ist_timer_h_reports_a_missing_ack);
	tcase_add_test(tc, ist_tcp_no_timer_g_and_the_ack_ends_it);
	tcase_add_test(tc, ist_2xx_accepted_leaves_the_ack_to_the_tu);
	tcase_add_test(tc, nist_absorbs_retransmissions_and_timer_j_ends_it);
	tcase_add_test(tc, nist_proceeding_resends_the_provisional);
	tcase_add_test(tc, nist_tcp_final_terminates_at_once);
	tcase_add_test(tc, cancel_finds_its_invite_and_no_other);
	tcase_add_test(tc, rfc2543_invite_without_cookie_is_matched_by_its_fields);
	tcase_add_test(tc, rfc2543_rules_for_no_branch_and_the_bare_cookie);
	tcase_add_test(tc, server_send_error_terminates_the_transaction);
	tcase_add_test(tc, server_error_on_retransmission_goes_to_the_handler);
	tcase_add_test(tc, trying_send_error_leaves_no_transaction);
	tcase_add_test(tc, many_transactions_stay_matchable_as_the_table_grows);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(tsx_server_suite());
}
