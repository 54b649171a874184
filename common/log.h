/* Log lines of the long-running tool (tna-deploy).  Under systemd the
 * journal adds the time and the tool's name and takes the priority from
 * a "<N>" prefix, so a line is "<N>LEVEL: MSG"; anywhere else it carries
 * its own wall-clock time: "2026-12-01T10:20:30.123+0100 PROG: LEVEL: MSG". */
#ifndef TNA_COMMON_LOG_H
#define TNA_COMMON_LOG_H
#include <stdbool.h>
#include <stdio.h>

/* syslog priorities, as the journal reads them */
#define TNA_LOG_ERR	3
#define TNA_LOG_INFO	6
#define TNA_LOG_DEBUG	7

/* Runs under a systemd unit: INVOCATION_ID is set, or JOURNAL_STREAM
 * names the device:inode of F (our stream goes to the journal). */
bool tna_log_to_journal(FILE *f);

/* One line on F: PRIO (TNA_LOG_*), LEVEL the word shown ("error"). */
void tna_log_line(FILE *f, int prio, const char *level, const char *msg);

#endif
