/* tna-nf-compile: the nftables compiler by hand, for tests and fixtures.
 *
 *   tna-nf-compile [--from FILE] [--no-ipv4] [--no-ipv6] [--no-bridge]
 *                                                          print the program
 *   tna-nf-compile --record FILE                           save the raw dump
 *   tna-nf-compile --genid                                 the ruleset generation
 *
 * Reads the current namespace's ruleset (or a dump recorded with
 * --record), compiles it for the routed path and prints the listing of
 * assembler/filter_compile.h.  Exit 0, 1 on error. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "assembler/filter_compile.h"
#include "introspect/nft_ir.h"

static int record(const char *path)
{
	void *buf = NULL;
	size_t len = 0;
	int err = tna_nft_dump(&buf, &len, NULL);
	FILE *f;

	if (err) {
		fprintf(stderr, "tna-nf-compile: dump: %s\n", strerror(-err));
		return 1;
	}
	f = fopen(path, "w");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "tna-nf-compile: %s: %s\n", path, strerror(errno));
		free(buf);
		return 1;
	}
	free(buf);
	return 0;
}

static int load(const char *path, struct tna_nft_ruleset *rs)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	long len;
	int err;

	if (!f)
		return -errno;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc(len ? len : 1);
	if (!buf || fread(buf, 1, len, f) != (size_t)len) {
		fclose(f);
		free(buf);
		return -EIO;
	}
	fclose(f);
	err = tna_nft_parse(buf, len, rs);
	free(buf);
	return err;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "from", required_argument, 0, 'f' }, { "record", required_argument, 0, 'r' },
		{ "no-ipv4", no_argument, 0, '4' }, { "no-ipv6", no_argument, 0, '6' },
		{ "genid", no_argument, 0, 'g' }, { "no-bridge", no_argument, 0, 'B' },
		{ "help", no_argument, 0, 'h' }, {}
	};
	struct tna_flt_opts o = { .v4 = true, .v6 = true, .bridge = true };
	struct tna_nft_ruleset rs;
	struct tna_flt_prog p;
	const char *from = NULL;
	int c, err;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 'r': return record(optarg);
		case 'g': {
			uint32_t g;

			if (tna_nft_genid(&g))
				return 1;
			printf("%u\n", g);
			return 0;
		}
		case '4': o.v4 = false; break;
		case '6': o.v6 = false; break;
		case 'B': o.bridge = false; break;
		case 'h':
			printf("usage: tna-nf-compile [--from FILE] [--no-ipv4] [--no-ipv6] [--no-bridge]\n"
			       "       tna-nf-compile --record FILE | --genid\n");
			return 0;
		default:
			return 2;
		}
	}
	err = from ? load(from, &rs) : tna_nft_read(&rs);
	if (err) {
		fprintf(stderr, "tna-nf-compile: read: %s\n", strerror(-err));
		return 1;
	}
	err = tna_flt_compile(&rs, &o, &p);
	tna_nft_free(&rs);
	if (err) {
		fprintf(stderr, "tna-nf-compile: compile: %s\n", strerror(-err));
		return 1;
	}
	tna_flt_prog_print(&p, stdout);
	tna_flt_prog_free(&p);
	return 0;
}
