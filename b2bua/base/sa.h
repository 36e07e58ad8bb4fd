/* Socket addresses: formatting and small accessors. */
#ifndef B2BUA_BASE_SA_H
#define B2BUA_BASE_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum { SA_STRLEN = 64 };	/* enough for "[IPv6%scope]:port" */

/* the address alone: "192.0.2.1" or "2001:db8::1" (no brackets) */
void sa_ip_fmt(const struct sockaddr_storage *sa, char *buf, size_t size);
/* "192.0.2.1:5060" or "[2001:db8::1]:5060" */
void sa_fmt(const struct sockaddr_storage *sa, char *buf, size_t size);
uint16_t sa_port(const struct sockaddr_storage *sa);
void sa_set_port(struct sockaddr_storage *sa, uint16_t port);
/* parses a numeric IPv4 or IPv6 address (no brackets) and a port;
 * returns 0 or EINVAL */
int sa_from_ip(struct sockaddr_storage *sa, const char *ip, size_t len, uint16_t port);

#endif
