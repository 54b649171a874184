/* What every tna-* tool does the same way, after iproute2 and bpftool:
 * one-line errors prefixed with the tool's name, usage errors that end in
 * "(see --help)" and exit 2, strict numbers, -V/--version from the build,
 * compact JSON unless -p/--pretty.  For tool mains only: unlike the
 * libraries, these functions print (on stderr). */
#ifndef TNA_COMMON_CLI_H
#define TNA_COMMON_CLI_H
#include <stdbool.h>

/* Exit status of every tool (documented in each man page). */
#define TNA_EXIT_OK	0
#define TNA_EXIT_ERROR	1	/* the work failed: permission, kernel, input */
#define TNA_EXIT_USAGE	2	/* bad command line: nothing was done */

/* The name the messages start with ("tna-stat"); call first in main(). */
void tna_cli_init(const char *prog);
const char *tna_cli_prog(void);

/* "PROG: MSG" on stderr; returns TNA_EXIT_ERROR. */
int tna_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PROG: MSG (see --help)" on stderr; returns TNA_EXIT_USAGE. */
int tna_usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* After getopt_long() returned '?' or ':' (opterr = 0, optstring starting
 * with ':'): names the option and returns TNA_EXIT_USAGE. */
int tna_getopt_err(int opt, char *const argv[]);

/* "PROG VERSION" on stdout; returns TNA_EXIT_OK. */
int tna_print_version(void);
/* The version of this build: the VERSION file ("0.1.0"), and that plus
 * the git commit when built from a checkout ("0.1.0 (git 1a2b3c4)"). */
const char *tna_version(void);
const char *tna_version_full(void);

/* json-c flags: compact, or pretty (-p). */
int tna_json_flags(bool pretty);

/* Strict numbers: the whole string is a plain decimal number (no sign,
 * no exponent, no hex, no inf/nan, no trailing text) within [MIN, MAX].
 * 0, -EINVAL (not such a number) or -ERANGE (outside). */
int tna_parse_uint(const char *s, unsigned long long min, unsigned long long max,
		   unsigned long long *out);
int tna_parse_decimal(const char *s, double min, double max, double *out);

/* The same for an option's argument, with the usage error printed:
 * "PROG: OPT 'S': expected WHAT between MIN and MAX (see --help)".
 * TNA_EXIT_OK or TNA_EXIT_USAGE. */
int tna_opt_uint(const char *opt, const char *s, unsigned long long min,
		 unsigned long long max, unsigned long long *out);
int tna_opt_seconds(const char *opt, const char *s, double min, double max,
		    double *out);

#endif
