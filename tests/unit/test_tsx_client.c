/* Client transactions (RFC 3261 17.1, RFC 6026 7.2, CANCEL of 9.1): what
 * goes on the wire, when, and what the TU is told. */
#include "tsx_fixture.h"

/* the INVITE our UAC side sends (its own branch, one Route) */
static const char invite_req[] =
	"INVITE sip:bob@127.0.0.21:5060 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bKcli1;rport\r\n"
	"Route: <sip:127.0.0.21;lr>\r\n"
	"Max-Forwards: 70\r\n"
	"From: <sip:alice@127.0.0.2>;tag=ft1\r\n"
	"To: <sip:bob@127.0.0.21>\r\n"
	"Call-ID: cid-cli-1\r\n"
	"CSeq: 1 INVITE\r\n"
	"Contact: <sip:127.0.0.2:5060>\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static const char options_req[] =
	"OPTIONS sip:carrier@127.0.0.21 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bKopt1\r\n"
	"Max-Forwards: 70\r\n"
	"From: <sip:b2bua@127.0.0.2>;tag=ft2\r\n"
	"To: <sip:carrier@127.0.0.21>\r\n"
	"Call-ID: cid-cli-2\r\n"
	"CSeq: 7 OPTIONS\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

/* a response from the far end to one of the requests above */
static struct sip_msg *response(unsigned code, const char *reason, const char *branch,
				unsigned cseq, const char *method, const char *totag)
{
	return parse_fmt("SIP/2.0 %u %s\r\n"
			 "Via: SIP/2.0/UDP 127.0.0.2:5060;branch=%s;rport=5060\r\n"
			 "From: <sip:alice@127.0.0.2>;tag=ft1\r\n"
			 "To: <sip:bob@127.0.0.21>%s%s\r\n"
			 "Call-ID: cid-cli-1\r\n"
			 "CSeq: %u %s\r\n"
			 "Content-Length: 0\r\n"
			 "\r\n",
			 code, reason, branch, totag ? ";tag=" : "", totag ? totag : "", cseq,
			 method);
}

static void deliver(struct sip_msg *m, int expect)
{
	ck_assert_int_eq(tsx_client_recv(F.l, m), expect);
	sip_msg_free(m);
}

static struct tsx *start(const char *req, enum sip_transport tp)
{
	struct mbuf *mb = test_mbuf(req);
	struct tp_dest d = dest(tp);
	struct tsx *t = NULL;

	ck_assert_int_eq(tsx_client_start(&t, F.l, mb, &d, on_resp, NULL), 0);
	ck_assert_ptr_nonnull(t);
	mbuf_unref(mb);
	return t;
}

START_TEST(ict_udp_unanswered_sends_seven_invites_then_times_out)
{
	static const double at[] = { 0, 1, 3, 7, 15, 31, 63 };
	struct tsx *t = start(invite_req, SIP_TP_UDP);
	struct tsx_stats st;
	unsigned i;

	ck_assert_uint_eq(F.nsent, 1);
	RUN_UNTIL(F.nev > 0, 3.0);

	ck_assert_uint_eq(F.nev, 1);
	ck_assert_int_eq(F.ev[0].err, ETIMEDOUT);
	ck_assert_int_eq(F.ev[0].scode, 0);
	ck_assert_uint_eq(F.nsent, 7);
	for (i = 0; i < 7; i++) {
		ck_assert(sent_same(0, i));
		assert_at(since_first(i), at[i] * T1);
	}
	assert_at(F.ev[0].at - F.sent[0].at, 64 * T1);
	ck_assert(ended(t));

	tsx_layer_stats(F.l, &st);
	ck_assert_uint_eq(st.retransmits, 6);
	ck_assert_uint_eq(st.timeouts, 1);
	ck_assert_uint_eq(st.created[TSX_ICT], 1);
	ck_assert_uint_eq(st.terminated[TSX_ICT], 1);
	ck_assert_uint_eq(st.live, 0);
	ck_assert_uint_eq(F.nended, 1);
}
END_TEST

START_TEST(ict_tcp_never_retransmits)
{
	start(invite_req, SIP_TP_TCP);
	RUN_UNTIL(F.nev > 0, 3.0);

	ck_assert_uint_eq(F.nev, 1);
	ck_assert_int_eq(F.ev[0].err, ETIMEDOUT);
	ck_assert_uint_eq(F.nsent, 1);
	ck_assert_int_eq(F.sent[0].dst.tp, SIP_TP_TCP);
}
END_TEST

START_TEST(ict_provisional_stops_timers_a_and_b)
{
	struct tsx *t = start(invite_req, SIP_TP_UDP);

	RUN_UNTIL(F.nsent >= 2, 1.0);	/* one retransmission, then the 180 */
	deliver(response(180, "Ringing", "z9hG4bKcli1", 1, "INVITE", "rt1"), 0);
	ck_assert_int_eq(tsx_state(t), TSX_PROCEEDING);
	ck_assert_uint_eq(F.nev, 1);
	ck_assert_int_eq(F.ev[0].scode, 180);

	RUN_FOR(80 * T1);
	ck_assert_uint_eq(F.nsent, 2);		/* no more INVITEs */
	ck_assert_uint_eq(F.nev, 1);		/* no timer B */
	ck_assert_int_eq(tsx_state(t), TSX_PROCEEDING);
}
END_TEST

START_TEST(ict_486_sends_one_ack_and_absorbs_retransmissions)
{
	struct tsx *t = start(invite_req, SIP_TP_UDP);
	struct sip_msg *ack;

	deliver(response(486, "Busy Here", "z9hG4bKcli1", 1, "INVITE", "busy9"), 0);
	ck_assert_int_eq(tsx_state(t), TSX_COMPLETED);
	ck_assert_uint_eq(F.nev, 1);
	ck_assert_int_eq(F.ev[0].scode, 486);
	ck_assert_uint_eq(F.nsent, 2);

	/* RFC 3261 17.1.1.3 */
	ack = parse_sent(1);
	ck_assert(ack->req);
	ck_assert_int_eq(ack->method, SIP_METHOD_ACK);
	assert_pl(&ack->ruri_pl, "sip:bob@127.0.0.21:5060");
	ck_assert_uint_eq(ack->cseq.num, 1);
	ck_assert_int_eq(ack->cseq.method, SIP_METHOD_ACK);
	assert_pl(&ack->to.tag, "busy9");
	assert_pl(&ack->from.tag, "ft1");
	assert_pl(&ack->callid, "cid-cli-1");
	assert_pl(&ack->via.branch, "z9hG4bKcli1");
	ck_assert_uint_eq(sip_msg_hdr_count(ack, SIP_HDR_VIA), 1);
	ck_assert_uint_eq(sip_msg_hdr_count(ack, SIP_HDR_ROUTE), 1);
	assert_pl(&sip_msg_hdr(ack, SIP_HDR_ROUTE)->val, "<sip:127.0.0.21;lr>");
	ck_assert_uint_eq(sip_msg_hdr_count(ack, SIP_HDR_CONTACT), 0);
	sip_msg_free(ack);

	/* the same 486 again: the same ACK again, nothing new for the TU */
	deliver(response(486, "Busy Here", "z9hG4bKcli1", 1, "INVITE", "busy9"), 0);
	ck_assert_uint_eq(F.nsent, 3);
	ck_assert(sent_same(1, 2));
	ck_assert_uint_eq(F.nev, 1);

	/* and no INVITE retransmission in Completed; timer D ends it */
	RUN_UNTIL(ended(t), 1.0);
	ck_assert(ended(t));
	ck_assert_uint_eq(F.nsent, 3);
	deliver(response(486, "Busy Here", "z9hG4bKcli1", 1, "INVITE", "busy9"), ENOENT);
}
END_TEST

START_TEST(ict_tcp_486_acks_and_terminates_at_once)
{
	struct tsx *t = start(invite_req, SIP_TP_TCP);

	deliver(response(486, "Busy Here", "z9hG4bKcli1", 1, "INVITE", "b"), 0);
	ck_assert_uint_eq(F.nsent, 2);
	ck_assert(ended(t));	/* timer D is zero */
}
END_TEST

START_TEST(ict_2xx_goes_up_every_time_while_accepted)
{
	struct tsx *t = start(invite_req, SIP_TP_UDP);
	double t0 = ev_now(F.loop);

	deliver(response(200, "OK", "z9hG4bKcli1", 1, "INVITE", "ok1"), 0);
	ck_assert_int_eq(tsx_state(t), TSX_ACCEPTED);
	ck_assert_uint_eq(F.nsent, 1);		/* the ACK for a 2xx is the TU's */
	ck_assert_uint_eq(F.nev, 1);
	ck_assert_int_eq(F.ev[0].scode, 200);

	/* RFC 6026 7.2: retransmissions and forked 2xx go up too */
	deliver(response(200, "OK", "z9hG4bKcli1", 1, "INVITE", "ok1"), 0);
	deliver(response(200, "OK", "z9hG4bKcli1", 1, "INVITE", "fork2"), 0);
	ck_assert_uint_eq(F.nev, 3);
	ck_assert_str_eq(F.ev[2].totag, "fork2");
	/* a late 486 is not */
	deliver(response(486, "Busy Here", "z9hG4bKcli1", 1, "INVITE", "x"), 0);
	ck_assert_uint_eq(F.nev, 3);
	ck_assert_uint_eq(F.nsent, 1);

	/* timer M */
	RUN_UNTIL(ended(t), 2.0);
	ck_assert(ended(t));
	ck_assert(ev_now(F.loop) - t0 >= 64 * T1 - EPS);
}
END_TEST

START_TEST(ict_2xx_after_detach_is_left_to_the_core)
{
	struct tsx *t = start(invite_req, SIP_TP_UDP);

	deliver(response(200, "OK", "z9hG4bKcli1", 1, "INVITE", "ok1"), 0);
	tsx_detach(t);
	deliver(response(200, "OK", "z9hG4bKcli1", 1, "INVITE", "ok1"), ENOENT);
	ck_assert_uint_eq(F.nev, 1);
}
END_TEST

START_TEST(ict_send_error_on_retransmission_goes_up_as_err)
{
	struct tsx *t;
	struct tsx_stats st;

	F.fail_from = 3;	/* the first INVITE and one retransmission pass */
	F.fail_err = ENETUNREACH;
	t = start(invite_req, SIP_TP_UDP);
	RUN_UNTIL(F.nev > 0, 1.0);

	ck_assert_uint_eq(F.nev, 1);
	ck_assert_int_eq(F.ev[0].err, ENETUNREACH);
	ck_assert_uint_eq(F.nsent, 2);
	ck_assert(ended(t));
	tsx_layer_stats(F.l, &st);
	ck_assert_uint_eq(st.tp_errors, 1);

	/* nothing more happens: no timer B after the error */
	RUN_FOR(70 * T1);
	ck_assert_uint_eq(F.nev, 1);
}
END_TEST

START_TEST(client_first_send_error_returns_it_and_leaves_nothing)
{
	struct mbuf *mb = test_mbuf(options_req);
	struct tp_dest d = dest(SIP_TP_UDP);
	struct tsx *t = NULL;
	struct tsx_stats st;

	F.fail_from = 1;
	F.fail_err = EHOSTUNREACH;
	ck_assert_int_eq(tsx_client_start(&t, F.l, mb, &d, on_resp, NULL), EHOSTUNREACH);
	ck_assert_ptr_null(t);
	mbuf_unref(mb);
	tsx_layer_stats(F.l, &st);
	ck_assert_uint_eq(st.live, 0);
	ck_assert_uint_eq(F.nev, 0);
}
END_TEST

START_TEST(client_start_rejects_ack_and_branch_without_cookie)
{
	static const char ack[] =
		"ACK sip:bob@127.0.0.21 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bKack1\r\n"
		"From: <sip:alice@127.0.0.2>;tag=ft1\r\n"
		"To: <sip:bob@127.0.0.21>;tag=x\r\n"
		"Call-ID: c\r\n"
		"CSeq: 1 ACK\r\n"
		"Content-Length: 0\r\n\r\n";
	static const char old[] =
		"OPTIONS sip:bob@127.0.0.21 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 127.0.0.2:5060;branch=1234\r\n"
		"From: <sip:alice@127.0.0.2>;tag=ft1\r\n"
		"To: <sip:bob@127.0.0.21>\r\n"
		"Call-ID: c\r\n"
		"CSeq: 1 OPTIONS\r\n"
		"Content-Length: 0\r\n\r\n";
	struct tp_dest d = dest(SIP_TP_UDP);
	struct tsx *t = NULL;
	struct mbuf *mb;

	mb = test_mbuf(ack);
	ck_assert_int_eq(tsx_client_start(&t, F.l, mb, &d, on_resp, NULL), EINVAL);
	mbuf_unref(mb);
	mb = test_mbuf(old);
	ck_assert_int_eq(tsx_client_start(&t, F.l, mb, &d, on_resp, NULL), EINVAL);
	mbuf_unref(mb);
	ck_assert_ptr_null(t);
	ck_assert_uint_eq(F.nsent, 0);
}
END_TEST

/* the key is read from the request line and the first Via line only:
 * what it cannot read for certain is refused, never guessed */
START_TEST(client_start_reads_the_key_of_its_own_request)
{
	static const char *const bad[] = {
		/* a response */
		"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.2;branch=z9hG4bKr1\r\n\r\n",
		/* no Via at all */
		"OPTIONS sip:b@127.0.0.21 SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n",
		/* a line without a colon before the Via */
		"OPTIONS sip:b@127.0.0.21 SIP/2.0\r\nGarbage\r\nVia: SIP/2.0/UDP 127.0.0.2;branch=z9hG4bKg\r\n\r\n",
		/* bare LF line ends */
		"OPTIONS sip:b@127.0.0.21 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.2;branch=z9hG4bKlf\n\n",
		/* a Via that does not decode */
		"OPTIONS sip:b@127.0.0.21 SIP/2.0\r\nVia: nonsense\r\n\r\n",
		/* cut off in the headers */
		"OPTIONS sip:b@127.0.0.21 SIP/2.0\r\nMax-Forwards: 70",
	};
	static const char compact[] =
		"MESSAGE sip:b@127.0.0.21 SIP/2.0\r\n"
		"Max-Forwards: 70\r\n"
		"v : SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bKcompact, SIP/2.0/UDP 127.0.0.9;branch=z9hG4bKsecond\r\n"
		"CSeq: 3 MESSAGE\r\n"
		"Content-Length: 0\r\n\r\n";
	struct tp_dest d = dest(SIP_TP_UDP);
	struct tsx *t = NULL;
	struct mbuf *mb;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mb = test_mbuf(bad[i]);
		ck_assert_msg(tsx_client_start(&t, F.l, mb, &d, on_resp, NULL) == EINVAL, "case %zu", i);
		mbuf_unref(mb);
	}
	ck_assert_ptr_null(t);
	ck_assert_uint_eq(F.nsent, 0);

	t = start(compact, SIP_TP_UDP);
	/* the first value of the first Via is the key; a second start with the
	 * same branch and method is refused */
	deliver(parse_fmt("SIP/2.0 200 OK\r\n"
			  "Via: SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bKcompact\r\n"
			  "From: <sip:a@127.0.0.2>;tag=f\r\nTo: <sip:b@127.0.0.21>;tag=t\r\n"
			  "Call-ID: c\r\nCSeq: 3 MESSAGE\r\nContent-Length: 0\r\n\r\n"),
		0);
	ck_assert_uint_eq(F.nev, 1);
	ck_assert_ptr_eq(F.ev[0].t, t);
	ck_assert_int_eq(F.ev[0].scode, 200);
}
END_TEST

START_TEST(client_start_refuses_a_branch_in_use)
{
	struct tp_dest d = dest(SIP_TP_UDP);
	struct mbuf *mb = test_mbuf(options_req);
	struct tsx *t = start(options_req, SIP_TP_UDP), *t2 = NULL;

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(tsx_client_start(&t2, F.l, mb, &d, on_resp, NULL), EEXIST);
	ck_assert_ptr_null(t2);
	mbuf_unref(mb);
}
END_TEST

START_TEST(nict_retransmits_doubling_up_to_t2_then_timer_f)
{
	struct tsx *t = start(options_req, SIP_TP_UDP);
	double prev = 0;
	unsigned i;

	RUN_UNTIL(F.nev > 0, 3.0);
	ck_assert_uint_eq(F.nev, 1);
	ck_assert_int_eq(F.ev[0].err, ETIMEDOUT);
	assert_at(F.ev[0].at - F.sent[0].at, 64 * T1);
	ck_assert(ended(t));

	/* 0, T1, 3T1, 7T1, then every T2 (4 T1): 11 ... 63 */
	ck_assert_uint_eq(F.nsent, 18);
	assert_at(since_first(1), 1 * T1);
	assert_at(since_first(2), 3 * T1);
	assert_at(since_first(3), 7 * T1);
	prev = since_first(3);
	for (i = 4; i < F.nsent; i++) {
		assert_at(since_first(i), (7 + 4 * (i - 3)) * T1);
		ck_assert(since_first(i) - prev <= T2 + SLACK);
		prev = since_first(i);
	}
}
END_TEST

START_TEST(nict_provisional_moves_retransmissions_to_t2)
{
	struct tsx *t = start(options_req, SIP_TP_UDP);

	deliver(response(100, "Trying", "z9hG4bKopt1", 7, "OPTIONS", NULL), 0);
	ck_assert_int_eq(tsx_state(t), TSX_PROCEEDING);
	ck_assert_uint_eq(F.nev, 1);
	ck_assert_int_eq(F.ev[0].scode, 100);

	RUN_UNTIL(F.nsent >= 3, 1.0);
	assert_at(since_first(1), T1);		/* timer E already running */
	assert_at(since_first(2), T1 + T2);	/* then T2 */

	deliver(response(200, "OK", "z9hG4bKopt1", 7, "OPTIONS", "o"), 0);
	ck_assert_int_eq(tsx_state(t), TSX_COMPLETED);
	ck_assert_uint_eq(F.nev, 2);
	ck_assert_int_eq(F.ev[1].scode, 200);

	/* Completed absorbs the retransmitted final; timer K ends it */
	deliver(response(200, "OK", "z9hG4bKopt1", 7, "OPTIONS", "o"), 0);
	ck_assert_uint_eq(F.nev, 2);
	RUN_UNTIL(ended(t), 1.0);
	ck_assert(ended(t));
	ck_assert_uint_eq(F.nsent, 3);
	ck_assert_uint_eq(F.nev, 2);
}
END_TEST

START_TEST(nict_tcp_final_terminates_at_once)
{
	struct tsx *t = start(options_req, SIP_TP_TCP);

	RUN_FOR(5 * T1);
	ck_assert_uint_eq(F.nsent, 1);
	deliver(response(200, "OK", "z9hG4bKopt1", 7, "OPTIONS", "o"), 0);
	ck_assert(ended(t));	/* timer K is zero */
	ck_assert_uint_eq(F.nev, 1);
}
END_TEST

START_TEST(response_matches_on_branch_and_cseq_method_only)
{
	start(invite_req, SIP_TP_UDP);

	deliver(response(180, "Ringing", "z9hG4bKother", 1, "INVITE", "a"), ENOENT);
	deliver(response(200, "OK", "z9hG4bKcli1", 1, "CANCEL", "a"), ENOENT);
	deliver(response(200, "OK", "z9hG4bKcli1", 1, "BYE", "a"), ENOENT);
	ck_assert_uint_eq(F.nev, 0);
	deliver(response(180, "Ringing", "z9hG4bKcli1", 1, "INVITE", "a"), 0);
	ck_assert_uint_eq(F.nev, 1);
}
END_TEST

START_TEST(cancel_waits_for_a_provisional_then_goes_with_the_invite_fields)
{
	struct tsx *ict = start(invite_req, SIP_TP_UDP);
	struct tsx *c = NULL;
	struct sip_msg *m;

	ck_assert_int_eq(tsx_client_cancel(ict, &c, on_resp, NULL), 0);
	ck_assert_uint_eq(F.nsent, 1);		/* RFC 3261 9.1: not yet */
	ck_assert_int_eq(tsx_client_cancel(ict, &c, on_resp, NULL), EALREADY);

	deliver(response(180, "Ringing", "z9hG4bKcli1", 1, "INVITE", "r1"), 0);
	ck_assert_uint_eq(F.nsent, 2);
	m = parse_sent(1);
	ck_assert_int_eq(m->method, SIP_METHOD_CANCEL);
	assert_pl(&m->ruri_pl, "sip:bob@127.0.0.21:5060");
	assert_pl(&m->via.branch, "z9hG4bKcli1");
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_VIA), 1);
	ck_assert_uint_eq(m->cseq.num, 1);
	ck_assert_int_eq(m->cseq.method, SIP_METHOD_CANCEL);
	ck_assert_ptr_null(m->to.tag.p);	/* the INVITE's To, no tag */
	assert_pl(&m->from.tag, "ft1");
	assert_pl(&m->callid, "cid-cli-1");
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_ROUTE), 1);
	sip_msg_free(m);

	/* the CANCEL's 200 goes to the CANCEL, the 487 to the INVITE */
	deliver(response(200, "OK", "z9hG4bKcli1", 1, "CANCEL", "r1"), 0);
	deliver(response(487, "Request Terminated", "z9hG4bKcli1", 1, "INVITE", "r1"), 0);
	ck_assert_uint_eq(F.nev, 3);
	ck_assert_ptr_eq(F.ev[0].t, ict);
	ck_assert_int_eq(F.ev[0].scode, 180);
	ck_assert_ptr_eq(F.ev[1].t, c);
	ck_assert_int_eq(F.ev[1].scode, 200);
	ck_assert_ptr_eq(F.ev[2].t, ict);
	ck_assert_int_eq(F.ev[2].scode, 487);
	ck_assert_uint_eq(F.nsent, 3);		/* and the ACK for the 487 */
	m = parse_sent(2);
	ck_assert_int_eq(m->method, SIP_METHOD_ACK);
	sip_msg_free(m);
}
END_TEST

START_TEST(cancel_is_never_sent_when_the_final_comes_first)
{
	struct tsx *ict = start(invite_req, SIP_TP_UDP);
	struct tsx *c = NULL;
	unsigned i;

	ck_assert_int_eq(tsx_client_cancel(ict, &c, on_resp, NULL), 0);
	deliver(response(486, "Busy Here", "z9hG4bKcli1", 1, "INVITE", "b"), 0);

	ck_assert_uint_eq(F.nev, 2);
	ck_assert_ptr_eq(F.ev[0].t, c);
	ck_assert_int_eq(F.ev[0].err, EALREADY);
	ck_assert_ptr_eq(F.ev[1].t, ict);
	ck_assert_int_eq(F.ev[1].scode, 486);
	ck_assert(ended(c));
	ck_assert_int_eq(tsx_client_cancel(ict, &c, on_resp, NULL), EALREADY);
	RUN_FOR(10 * T1);
	for (i = 0; i < F.nsent; i++) {
		struct sip_msg *m = parse_sent(i);

		ck_assert_int_ne(m->method, SIP_METHOD_CANCEL);
		sip_msg_free(m);
	}
}
END_TEST

/* a TU that lets go of the transaction inside its own callback */
static void detach_in_callback(struct tsx *t, const struct sip_msg *resp, int err, void *arg)
{
	(void)arg;
	record(t, resp ? resp->scode : 0, err, NULL);
	tsx_detach(t);
}

START_TEST(detach_inside_the_callback_is_safe)
{
	struct mbuf *mb = test_mbuf(options_req);
	struct tp_dest d = dest(SIP_TP_TCP);
	struct tsx_stats st;
	struct tsx *t;

	ck_assert_int_eq(tsx_client_start(&t, F.l, mb, &d, detach_in_callback, NULL), 0);
	mbuf_unref(mb);
	/* over TCP the final terminates it inside the same call */
	deliver(response(200, "OK", "z9hG4bKopt1", 7, "OPTIONS", "o"), 0);
	ck_assert_uint_eq(F.nev, 1);
	tsx_layer_stats(F.l, &st);
	ck_assert_uint_eq(st.live, 0);
}
END_TEST

static Suite *tsx_client_suite(void)
{
	Suite *s = suite_create("tsx_client");
	TCase *tc = tcase_create("client");

	tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, ict_udp_unanswered_sends_seven_invites_then_times_out);
	tcase_add_test(tc, ict_tcp_never_retransmits);
	tcase_add_test(tc, ict_provisional_stops_timers_a_and_b);
	tcase_add_test(tc, ict_486_sends_one_ack_and_absorbs_retransmissions);
	tcase_add_test(tc, ict_tcp_486_acks_and_terminates_at_once);
	tcase_add_test(tc, ict_2xx_goes_up_every_time_while_accepted);
	tcase_add_test(tc, ict_2xx_after_detach_is_left_to_the_core);
	tcase_add_test(tc, ict_send_error_on_retransmission_goes_up_as_err);
	tcase_add_test(tc, client_first_send_error_returns_it_and_leaves_nothing);
	tcase_add_test(tc, client_start_rejects_ack_and_branch_without_cookie);
	tcase_add_test(tc, client_start_reads_the_key_of_its_own_request);
	tcase_add_test(tc, client_start_refuses_a_branch_in_use);
	tcase_add_test(tc, nict_retransmits_doubling_up_to_t2_then_timer_f);
	tcase_add_test(tc, nict_provisional_moves_retransmissions_to_t2);
	tcase_add_test(tc, nict_tcp_final_terminates_at_once);
	tcase_add_test(tc, response_matches_on_branch_and_cseq_method_only);
	tcase_add_test(tc, cancel_waits_for_a_provisional_then_goes_with_the_invite_fields);
	tcase_add_test(tc, cancel_is_never_sent_when_the_final_comes_first);
	tcase_add_test(tc, detach_inside_the_callback_is_safe);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(tsx_client_suite());
}
