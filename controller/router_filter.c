/* The router's netfilter stage under tna-deploy: see
 * controller/router_filter.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <json-c/json.h>

#include "controller/router_filter.h"

struct tna_rtf {
	struct tna_nf_follow *follow;
	int ep, timer;
};

void tna_rtf_stop(struct tna_rtf *f)
{
	if (!f)
		return;
	tna_nf_follow_free(f->follow);
	if (f->timer >= 0)
		close(f->timer);
	if (f->ep >= 0)
		close(f->ep);
	free(f);
}

struct tna_rtf *tna_rtf_start(struct tna_dp *dp, bool v4, bool v6, int *err)
{
	struct tna_nf_follow_opts o = { .sz = sizeof(o), .v4 = v4, .v6 = v6 };
	struct itimerspec its = { .it_interval = { 0, TNA_RTF_TICK_MS * 1000000L },
				  .it_value = { 0, TNA_RTF_TICK_MS * 1000000L } };
	struct tna_rtf *f = calloc(1, sizeof(*f));
	int fds[2];

	*err = -ENOMEM;
	if (!f)
		return NULL;
	f->ep = f->timer = -1;
	f->follow = tna_nf_follow_new(dp, &o);
	if (!f->follow) {
		*err = -errno;
		goto fail;
	}
	f->ep = epoll_create1(EPOLL_CLOEXEC);
	f->timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (f->ep < 0 || f->timer < 0 || timerfd_settime(f->timer, 0, &its, NULL)) {
		*err = -errno;
		goto fail;
	}
	tna_nf_follow_fds(f->follow, fds);
	for (int i = 0; i < 3; i++) {
		struct epoll_event ev = { .events = EPOLLIN };
		int fd = i < 2 ? fds[i] : f->timer;

		ev.data.fd = fd;
		if (epoll_ctl(f->ep, EPOLL_CTL_ADD, fd, &ev)) {
			*err = -errno;
			goto fail;
		}
	}
	/* the rules are in the pipeline before it sees a routed packet */
	*err = tna_nf_follow_apply(f->follow);
	if (*err)
		goto fail;
	tna_rtf_gen_file(tna_nf_follow_report(f->follow));
	return f;
fail:
	tna_rtf_stop(f);
	return NULL;
}

void tna_rtf_host_replaced(struct tna_rtf *f, struct tna_dp *dp)
{
	if (f)
		tna_nf_follow_set_dp(f->follow, dp);
}

int tna_rtf_fd(const struct tna_rtf *f)
{
	return f ? f->ep : -1;
}

int tna_rtf_process(struct tna_rtf *f)
{
	struct epoll_event ev[3];
	bool sockets = false, tick = false;
	uint64_t n;
	int k, r = 0, t;

	if (!f)
		return 0;
	k = epoll_wait(f->ep, ev, 3, 0);
	for (int i = 0; i < k; i++) {
		if (ev[i].data.fd == f->timer)
			tick = read(f->timer, &n, sizeof(n)) == sizeof(n);
		else
			sockets = true;
	}
	/* ruleset events first: the switch is what the window waits for */
	if (sockets)
		r = tna_nf_follow_event(f->follow);
	if (tick && r >= 0) {
		t = tna_nf_follow_tick(f->follow);
		r = t < 0 ? t : r | t;
	}
	if (r > 0)
		tna_rtf_gen_file(tna_nf_follow_report(f->follow));
	return r;
}

const struct tna_nf_follow_report *tna_rtf_report(const struct tna_rtf *f)
{
	return f ? tna_nf_follow_report(f->follow) : NULL;
}

/* /run/tna-filter-gen.NETNS, NETNS as `ip netns identify` names it, or
 * "init"; written through a rename (readers never see half a number). */
void tna_rtf_gen_file(const struct tna_nf_follow_report *r)
{
	static char path[128];
	char tmp[160], ns[64] = "init";
	FILE *f;

	if (!path[0]) {
		FILE *p = popen("ip netns identify 2>/dev/null", "r");

		if (p) {
			if (fgets(ns, sizeof(ns), p) && ns[0] != '\n')
				ns[strcspn(ns, "\n")] = '\0';
			else
				snprintf(ns, sizeof(ns), "init");
			pclose(p);
		}
		snprintf(path, sizeof(path), "/run/tna-filter-gen.%s", ns);
	}
	if (!r) {
		unlink(path);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f) {
		fprintf(f, "%u\n", r->nft_genid);
		if (!fclose(f))
			rename(tmp, path);
	}
}

static const char *flags_text(uint32_t fl, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", fl & TNA_FLT_F_CT ? "ct " : "", fl & TNA_FLT_F_NAT4 ? "nat4 " : "",
		 fl & TNA_FLT_F_NAT6 ? "nat6 " : "", fl & TNA_FLT_F_NAMES ? "names " : "");
	if (buf[0])
		buf[strlen(buf) - 1] = '\0';
	return buf;
}

void tna_rtf_print(const struct tna_rtf *f, FILE *out)
{
	const struct tna_nf_follow_report *r = tna_rtf_report(f);
	char fl[48];

	if (!r)
		return;
	fprintf(out, "  netfilter: program gen %u (ruleset generation %u), %d instructions, %d rules, "
		"%d sets, flags %s; %llu loads, last: read %.1f ms, compile %.1f ms, load %.1f ms\n",
		r->gen, r->nft_genid, r->n_insns, r->n_rules, r->n_sets,
		flags_text(r->flags, fl, sizeof(fl))[0] ? fl : "none", (unsigned long long)r->loads,
		r->read_ns / 1e6, r->compile_ns / 1e6, r->load_ns / 1e6);
	if (r->whole4)
		fprintf(out, "    IPv4 to Linux as a whole: %s\n", r->why4);
	if (r->whole6)
		fprintf(out, "    IPv6 to Linux as a whole: %s\n", r->why6);
	for (int i = 0; i < r->prog.n_notes; i++)
		fprintf(out, "    to Linux where reached: %s: %s\n", r->prog.notes[i].where,
			r->prog.notes[i].reason);
}

struct json_object *tna_rtf_to_json(const struct tna_rtf *f)
{
	const struct tna_nf_follow_report *r = tna_rtf_report(f);
	struct json_object *o, *notes;
	char fl[48];

	if (!r)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "gen", json_object_new_int64(r->gen));
	json_object_object_add(o, "nft_genid", json_object_new_int64(r->nft_genid));
	json_object_object_add(o, "loads", json_object_new_int64((int64_t)r->loads));
	json_object_object_add(o, "insns", json_object_new_int(r->n_insns));
	json_object_object_add(o, "rules", json_object_new_int(r->n_rules));
	json_object_object_add(o, "sets", json_object_new_int(r->n_sets));
	json_object_object_add(o, "flags", json_object_new_string(flags_text(r->flags, fl, sizeof(fl))));
	json_object_object_add(o, "read_us", json_object_new_int64((int64_t)(r->read_ns / 1000)));
	json_object_object_add(o, "compile_us", json_object_new_int64((int64_t)(r->compile_ns / 1000)));
	json_object_object_add(o, "load_us", json_object_new_int64((int64_t)(r->load_ns / 1000)));
	json_object_object_add(o, "ipv4_whole", r->whole4 ? json_object_new_string(r->why4) : NULL);
	json_object_object_add(o, "ipv6_whole", r->whole6 ? json_object_new_string(r->why6) : NULL);
	notes = json_object_new_array();
	for (int i = 0; i < r->prog.n_notes; i++) {
		char t[240];

		snprintf(t, sizeof(t), "%s: %s", r->prog.notes[i].where, r->prog.notes[i].reason);
		json_object_array_add(notes, json_object_new_string(t));
	}
	json_object_object_add(o, "to_linux", notes);
	return o;
}

/* --- the controller's side ------------------------------------------- */
#include "controller/ctl_priv.h"

void tna_ctl_rtf_process(struct tna_ctl *c)
{
	const struct tna_nf_follow_report *r;
	int ret = tna_rtf_process(c->rt->filter);

	if (ret < 0) {
		/* the old program must not go on judging: plain Linux routes
		 * until the replan started here deploys the router afresh */
		logf_(c, TNA_CTL_ERROR, "router: netfilter rules not followed (%s): plain Linux until "
		      "the next replan", strerror(-ret));
		tna_rt_stop(c->rt, false);
		c->dirty = true;
		return;
	}
	if (!ret)
		return;
	r = tna_rtf_report(c->rt->filter);
	/* key=value: bench/filter/window.sh --deploy measures the window */
	logf_(c, TNA_CTL_INFO, "router: netfilter program gen %u in effect (nft_genid=%u insns=%d "
	      "rules=%d to_linux=%d read_us=%llu compile_us=%llu load_us=%llu swap_ns=%llu "
	      "event_ns=%llu)%s%s%s%s", r->gen, r->nft_genid, r->n_insns, r->n_rules, r->prog.n_notes,
	      (unsigned long long)r->read_ns / 1000, (unsigned long long)r->compile_ns / 1000,
	      (unsigned long long)r->load_ns / 1000, (unsigned long long)r->swap_ns,
	      (unsigned long long)r->event_ns, r->whole4 ? "; IPv4 to Linux: " : "",
	      r->whole4 ? r->why4 : "", r->whole6 ? "; IPv6 to Linux: " : "", r->whole6 ? r->why6 : "");
}
