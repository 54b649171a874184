/* Log lines with a level, and a timestamp unless the journal adds one. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "common/cli.h"
#include "common/log.h"

bool tna_log_to_journal(FILE *f)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (getenv("INVOCATION_ID"))
		return true;
	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(fileno(f), &st))
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

void tna_log_line(FILE *f, int prio, const char *level, const char *msg)
{
	static int journal = -1;
	char ts[48], zone[8];
	struct timespec now;
	struct tm tm;

	if (journal < 0)
		journal = tna_log_to_journal(f);
	if (journal) {
		fprintf(f, "<%d>%s: %s\n", prio, level, msg);
	} else {
		clock_gettime(CLOCK_REALTIME, &now);
		localtime_r(&now.tv_sec, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
		strftime(zone, sizeof(zone), "%z", &tm);
		fprintf(f, "%s.%03ld%s %s: %s: %s\n", ts, now.tv_nsec / 1000000, zone,
			tna_cli_prog(), level, msg);
	}
	fflush(f);
}
