/* Sockets shared by one pass over the ports (see targets/socks.h).
 *
 * A port's refresh reads its MTU (an ioctl), its XDP features (genl
 * "netdev") and, on native, its veth peer (rtnetlink) and the peer's
 * features (genl "ethtool" in the peer's namespace).  Opened per read,
 * that was ~54 system calls per port; kept for the pass, ~10 (see
 * bench/RESULTS.md, "Native recheck").
 *
 * Nothing outlives the pass: a socket in another namespace holds that
 * namespace alive (and the veths in it), so keeping one across passes
 * would delay a container's teardown.  Only the genl family ids are
 * remembered for good: the kernel numbers families globally. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include "common/nl.h"
#include "targets/datapath.h"
#include "targets/socks.h"

struct ns_sock {
	int nsid;		/* -1: ours */
	struct tna_nl *nl;
};

static int depth;		/* nested passes */
static int inet_fd = -1;
static struct tna_nl *rtnl;
static struct ns_sock *genl;
static int ngenl, capgenl;

void tna_dp__pass_begin(void)
{
	depth++;
}

void tna_dp__pass_end(void)
{
	if (depth > 0 && --depth)
		return;
	if (inet_fd >= 0)
		close(inet_fd);
	inet_fd = -1;
	tna_nl_close(rtnl);
	rtnl = NULL;
	for (int i = 0; i < ngenl; i++)
		tna_nl_close(genl[i].nl);
	free(genl);
	genl = NULL;
	ngenl = capgenl = 0;
}

int tna_socks_inet(void)
{
	int fd;

	if (inet_fd >= 0) {
		fd = inet_fd;
		inet_fd = -1;	/* lent out: a nested user opens its own */
		return fd;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

void tna_socks_put_inet(int fd)
{
	if (fd < 0)
		return;
	if (depth && inet_fd < 0)
		inet_fd = fd;
	else
		close(fd);
}

struct tna_nl *tna_socks_rtnl(bool *reused)
{
	struct tna_nl *nl = rtnl;

	if (nl) {
		rtnl = NULL;
		*reused = true;
		return nl;
	}
	return tna_nl_open(NETLINK_ROUTE);
}

void tna_socks_put_rtnl(struct tna_nl *nl, bool bad)
{
	if (!nl)
		return;
	if (depth && !bad && !rtnl)
		rtnl = nl;
	else
		tna_nl_close(nl);
}

struct tna_nl *tna_socks_genl(int nsid)
{
	for (int i = 0; i < ngenl; i++)
		if (genl[i].nsid == nsid) {
			struct tna_nl *nl = genl[i].nl;

			genl[i] = genl[--ngenl];
			return nl;
		}
	return NULL;
}

void tna_socks_put_genl(int nsid, struct tna_nl *nl, bool bad)
{
	if (!nl)
		return;
	for (int i = 0; i < ngenl && depth && !bad; i++)
		if (genl[i].nsid == nsid)
			bad = true;	/* one is kept already */
	if (depth && !bad && ngenl == capgenl) {
		int cap = capgenl ? capgenl * 2 : 8;
		struct ns_sock *g = realloc(genl, cap * sizeof(*g));

		if (g) {
			genl = g;
			capgenl = cap;
		}
	}
	if (!depth || bad || ngenl == capgenl) {
		tna_nl_close(nl);
		return;
	}
	genl[ngenl++] = (struct ns_sock){ nsid, nl };
}

#define FAMILIES 4
static struct { const char *name; uint16_t id; } family[FAMILIES];

int tna_socks_family(struct tna_nl *nl, const char *name, uint16_t *id, bool again,
		     bool *reused)
{
	int i, err;

	for (i = 0; i < FAMILIES && family[i].name; i++)
		if (!strcmp(family[i].name, name))
			break;
	if (i < FAMILIES && family[i].name && !again) {
		*id = family[i].id;
		*reused = true;
		return 0;
	}
	err = tna_genl_resolve(nl, name, id, NULL, NULL);
	if (!err && i < FAMILIES) {
		family[i].name = name;	/* callers pass string literals */
		family[i].id = *id;
	}
	return err;
}
