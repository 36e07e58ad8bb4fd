/* What the daemon answers by itself: request validation (RFC 3261 8.2),
 * the answers to out-of-dialog requests, and response validation
 * (8.1.3.3).  The messages are files in data/msg/. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "core/ua.h"
#include "sip/sip.h"
#include "testutil.h"

static bool has_crlfcrlf(const struct mbuf *mb)
{
	for (size_t i = 0; i + 4 <= mb->len; i++) {
		if (memcmp(mb->data + i, "\r\n\r\n", 4) == 0)
			return true;
	}
	return false;
}

static struct sip_msg *load(const char *name)
{
	char path[256];
	struct mbuf *mb;
	struct sip_msg *msg = NULL;
	struct sip_parse_err perr = { 0, NULL };
	int err;

	snprintf(path, sizeof(path), "msg/%s", name);
	mb = test_read_data(path);
	/* the files are written with CRLF line ends */
	ck_assert_msg(has_crlfcrlf(mb), "%s has no CRLFCRLF", name);
	err = sip_msg_parse(&msg, mb, 0, mb->len, 0, &perr);
	ck_assert_msg(err == 0, "%s: %d (%s)", name, err, perr.reason ? perr.reason : "-");
	mbuf_unref(mb);
	return msg;
}

static bool extra_has_line(const struct ua_verdict *v, const char *line)
{
	char all[sizeof(v->extra) + 1], want[300];

	/* a whole line: after the start or a line end, up to CRLF */
	snprintf(all, sizeof(all), "\n%s", v->extra);
	snprintf(want, sizeof(want), "\n%s\r\n", line);
	return strstr(all, want) != NULL;
}

#define ck_extra(v, line) \
	ck_assert_msg(extra_has_line(&(v), (line)), "extra \"%s\" lacks \"%s\"", (v).extra, (line))

static uint16_t check(const char *name, struct ua_verdict *v)
{
	struct sip_msg *msg = load(name);
	uint16_t st = ua_check_request(msg, v);

	ck_assert_uint_eq(st, v->status);
	sip_msg_free(msg);
	return st;
}

static uint16_t verdict(const char *name, struct ua_verdict *v)
{
	struct sip_msg *msg = load(name);
	uint16_t st;

	memset(v, 'x', sizeof(*v));	/* what was there before must not leak through */
	v->extra[sizeof(v->extra) - 1] = '\0';
	st = ua_verdict(msg, v);
	ck_assert_uint_eq(st, v->status);
	sip_msg_free(msg);
	return st;
}

/* ---- requests ---- */

START_TEST(test_valid_invite_passes_the_checks)
{
	struct ua_verdict v;

	ck_assert_uint_eq(check("invite.sip", &v), 0);
	ck_assert_str_eq(v.extra, "");
}
END_TEST

START_TEST(test_options_answered_200_with_allow_accept_supported)
{
	struct ua_verdict v;
	struct sip_msg *req = load("options.sip");
	struct sip_msg *resp = NULL;
	struct mbuf *mb;

	ck_assert_uint_eq(ua_verdict(req, &v), 200);
	ck_extra(v, "Allow: " UA_ALLOW);
	ck_extra(v, "Accept: " UA_ACCEPT);
	ck_assert_ptr_nonnull(strstr(v.extra, "Supported:"));

	/* the lines make a valid response that says the same */
	ck_assert_int_eq(sip_build_response(&mb, req, v.status, v.reason, "ua1", v.extra, NULL, NULL),
			 0);
	ck_assert_int_eq(sip_msg_parse(&resp, mb, 0, mb->len, 0, NULL), 0);
	ck_assert_uint_eq(resp->bad.status, 0);
	ck_assert_uint_eq(resp->scode, 200);
	const struct sip_hdr *allow = sip_msg_hdr(resp, SIP_HDR_ALLOW);
	ck_assert_ptr_nonnull(allow);
	ck_assert(sip_token_list_has(&allow->val, "INVITE"));
	ck_assert(sip_token_list_has(&allow->val, "OPTIONS"));
	ck_assert(sip_token_list_has(&allow->val, "BYE"));
	ck_assert(sip_token_list_has(&allow->val, "CANCEL"));
	ck_assert(sip_token_list_has(&allow->val, "ACK"));
	ck_assert_ptr_nonnull(sip_msg_hdr(resp, SIP_HDR_ACCEPT));
	ck_assert_ptr_nonnull(sip_msg_hdr(resp, SIP_HDR_SUPPORTED));
	sip_msg_free(resp);
	mbuf_unref(mb);
	sip_msg_free(req);
}
END_TEST

START_TEST(test_unknown_method_gets_501_with_allow)
{
	struct ua_verdict v;

	ck_assert_uint_eq(verdict("unknown-method.sip", &v), 501);
	ck_extra(v, "Allow: " UA_ALLOW);
	/* also when the parser already decided 501 (RFC 4475 3.1.2.18) */
	ck_assert_uint_eq(verdict("unknown-method-cseq-mismatch.sip", &v), 501);
	ck_extra(v, "Allow: " UA_ALLOW);
}
END_TEST

START_TEST(test_tel_and_sips_request_uris_accepted)
{
	struct ua_verdict v;

	ck_assert_uint_eq(check("invite-tel.sip", &v), 0);
	ck_assert_uint_eq(check("invite-sips.sip", &v), 0);
}
END_TEST

START_TEST(test_mailto_request_uri_gets_416)
{
	struct ua_verdict v;

	/* RFC 3261 8.2.2.1 */
	ck_assert_uint_eq(verdict("invite-mailto.sip", &v), 416);
}
END_TEST

START_TEST(test_max_forwards_zero_invite_gets_483_options_gets_200)
{
	struct ua_verdict v;

	ck_assert_uint_eq(verdict("invite-mf0.sip", &v), 483);
	ck_assert_uint_eq(verdict("options-mf0.sip", &v), 200);
	ck_extra(v, "Allow: " UA_ALLOW);
}
END_TEST

START_TEST(test_require_unknown_gets_420_with_unsupported)
{
	struct ua_verdict v;

	/* RFC 3261 8.2.2.3 */
	ck_assert_uint_eq(verdict("invite-require.sip", &v), 420);
	ck_extra(v, "Unsupported: foo");
}
END_TEST

START_TEST(test_require_replaces_is_supported)
{
	struct ua_verdict v;

	/* RFC 3891 6.1: the call core handles Replaces, so it is no 420 */
	ck_assert_uint_ne(verdict("invite-require-replaces.sip", &v), 420);
	ck_assert_uint_eq(verdict("options.sip", &v), 200);
	ck_extra(v, "Supported: replaces");
}
END_TEST

START_TEST(test_proxy_require_tags_listed_too)
{
	struct ua_verdict v;

	ck_assert_uint_eq(verdict("invite-proxy-require.sip", &v), 420);
	ck_extra(v, "Unsupported: foo, bar, baz");
}
END_TEST

START_TEST(test_invite_with_text_body_gets_415_with_accept)
{
	struct ua_verdict v;

	/* RFC 3261 8.2.3 */
	ck_assert_uint_eq(verdict("invite-text-body.sip", &v), 415);
	ck_extra(v, "Accept: " UA_ACCEPT);
	ck_assert_uint_eq(verdict("update-text-body.sip", &v), 415);
	ck_extra(v, "Accept: " UA_ACCEPT);
}
END_TEST

START_TEST(test_invite_with_encoded_body_gets_415_with_accept_encoding)
{
	struct ua_verdict v;

	ck_assert_uint_eq(verdict("invite-gzip-body.sip", &v), 415);
	ck_extra(v, "Accept-Encoding: identity");
}
END_TEST

START_TEST(test_multipart_session_body_accepted)
{
	struct ua_verdict v;

	ck_assert_uint_eq(check("invite-multipart.sip", &v), 0);
}
END_TEST

START_TEST(test_message_with_text_body_is_not_415)
{
	struct ua_verdict v;

	/* MESSAGE carries any content; only session methods need SDP */
	ck_assert_uint_eq(check("message-text-body.sip", &v), 0);
}
END_TEST

START_TEST(test_invite_accepting_only_html_gets_406)
{
	struct ua_verdict v;

	ck_assert_uint_eq(verdict("invite-accept-html.sip", &v), 406);
	ck_extra(v, "Accept: " UA_ACCEPT);
}
END_TEST

START_TEST(test_non_gmt_date_gets_400)
{
	struct ua_verdict v;

	/* RFC 3261 20.17; RFC 4475 3.1.2.17 */
	ck_assert_uint_eq(verdict("invite-date-pst.sip", &v), 400);
	ck_assert_str_eq(v.reason, "Malformed Date Header");
}
END_TEST

START_TEST(test_contact_star_outside_register_gets_400)
{
	struct ua_verdict v;

	/* RFC 3261 10.2.2: "*" only in REGISTER */
	ck_assert_uint_eq(verdict("invite-contact-star.sip", &v), 400);
	ck_assert_str_eq(v.reason, "Malformed Contact Header");
}
END_TEST

START_TEST(test_malformed_contact_gets_400)
{
	struct ua_verdict v;

	ck_assert_uint_eq(verdict("invite-bad-contact.sip", &v), 400);
	ck_assert_str_eq(v.reason, "Malformed Contact Header");
}
END_TEST

START_TEST(test_parser_verdict_is_the_answer)
{
	struct ua_verdict v;

	ck_assert_uint_eq(verdict("invite-version3.sip", &v), 505);
	ck_assert_str_eq(v.reason, "Version Not Supported");
}
END_TEST

START_TEST(test_bye_out_of_dialog_gets_481)
{
	struct ua_verdict v;

	ck_assert_uint_eq(verdict("bye.sip", &v), 481);
}
END_TEST

START_TEST(test_register_gets_405_with_allow)
{
	struct ua_verdict v;
	struct sip_msg *req = load("register.sip");

	ck_assert_uint_eq(ua_check_request(req, &v), 0);
	ck_assert_uint_eq(ua_answer_out_of_dialog(req, &v), 405);
	ck_extra(v, "Allow: " UA_ALLOW_OUT_OF_DIALOG);
	/* RFC 3261 21.4.6: the refused method is not among the allowed */
	ck_assert(!strstr(v.extra, "REGISTER"));
	sip_msg_free(req);
}
END_TEST

START_TEST(test_message_out_of_dialog_405_does_not_allow_message)
{
	struct ua_verdict v;
	struct sip_msg *req = load("message-text-body.sip");

	ck_assert_uint_eq(ua_verdict(req, &v), 405);
	ck_extra(v, "Allow: " UA_ALLOW_OUT_OF_DIALOG);
	ck_assert(!strstr(v.extra, "MESSAGE"));
	sip_msg_free(req);
}
END_TEST

START_TEST(test_ack_is_never_answered)
{
	struct ua_verdict v;
	struct sip_msg *req = load("ack.sip");

	/* Max-Forwards 0 and Require do not matter for an ACK */
	ck_assert_uint_eq(ua_check_request(req, &v), 0);
	ck_assert_uint_eq(ua_answer_out_of_dialog(req, &v), 0);
	memset(&v, 'x', sizeof(v));
	ck_assert_uint_eq(ua_verdict(req, &v), 0);
	ck_assert_uint_eq(v.status, 0);
	ck_assert_str_eq(v.extra, "");
	sip_msg_free(req);
}
END_TEST

START_TEST(test_requests_can_be_answered)
{
	struct sip_msg *req = load("invite.sip");
	struct sip_msg *resp = load("resp-200.sip");

	ck_assert(ua_can_answer(req));
	ck_assert(!ua_can_answer(resp));
	sip_msg_free(resp);
	sip_msg_free(req);
}
END_TEST

/* ---- responses ---- */

START_TEST(test_response_with_one_via_accepted)
{
	struct sip_msg *resp = load("resp-200.sip");
	const char *why = "unset";

	ck_assert(ua_check_response(resp, &why));
	ck_assert(ua_check_response(resp, NULL));
	sip_msg_free(resp);
}
END_TEST

START_TEST(test_response_with_two_via_values_dropped)
{
	/* RFC 3261 8.1.3.3 */
	struct sip_msg *resp = load("resp-two-via.sip");
	const char *why = NULL;

	ck_assert(!ua_check_response(resp, &why));
	ck_assert_str_eq(why, "More Than One Via In Response");
	sip_msg_free(resp);

	resp = load("resp-two-via-lines.sip");
	why = NULL;
	ck_assert(!ua_check_response(resp, &why));
	ck_assert_ptr_nonnull(why);
	sip_msg_free(resp);
}
END_TEST

START_TEST(test_response_with_malformed_cseq_dropped)
{
	struct sip_msg *resp = load("resp-bad-cseq.sip");
	const char *why = NULL;

	ck_assert(!ua_check_response(resp, &why));
	ck_assert_str_eq(why, "Malformed CSeq Header");
	sip_msg_free(resp);
}
END_TEST

static Suite *ua_suite(void)
{
	Suite *s = suite_create("ua");
	TCase *tc = tcase_create("requests");

	tcase_add_test(tc, test_valid_invite_passes_the_checks);
	tcase_add_test(tc, test_options_answered_200_with_allow_accept_supported);
	tcase_add_test(tc, test_unknown_method_gets_501_with_allow);
	tcase_add_test(tc, test_tel_and_sips_request_uris_accepted);
	tcase_add_test(tc, test_mailto_request_uri_gets_416);
	tcase_add_test(tc, test_max_forwards_zero_invite_gets_483_options_gets_200);
	tcase_add_test(tc, test_require_unknown_gets_420_with_unsupported);
	tcase_add_test(tc, test_proxy_require_tags_listed_too);
	tcase_add_test(tc, test_require_replaces_is_supported);
	tcase_add_test(tc, test_invite_with_text_body_gets_415_with_accept);
	tcase_add_test(tc, test_invite_with_encoded_body_gets_415_with_accept_encoding);
	tcase_add_test(tc, test_multipart_session_body_accepted);
	tcase_add_test(tc, test_message_with_text_body_is_not_415);
	tcase_add_test(tc, test_invite_accepting_only_html_gets_406);
	tcase_add_test(tc, test_non_gmt_date_gets_400);
	tcase_add_test(tc, test_malformed_contact_gets_400);
	tcase_add_test(tc, test_contact_star_outside_register_gets_400);
	tcase_add_test(tc, test_parser_verdict_is_the_answer);
	tcase_add_test(tc, test_bye_out_of_dialog_gets_481);
	tcase_add_test(tc, test_register_gets_405_with_allow);
	tcase_add_test(tc, test_message_out_of_dialog_405_does_not_allow_message);
	tcase_add_test(tc, test_ack_is_never_answered);
	tcase_add_test(tc, test_requests_can_be_answered);
	suite_add_tcase(s, tc);

	tc = tcase_create("responses");
	tcase_add_test(tc, test_response_with_one_via_accepted);
	tcase_add_test(tc, test_response_with_two_via_values_dropped);
	tcase_add_test(tc, test_response_with_malformed_cseq_dropped);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(ua_suite());
}
