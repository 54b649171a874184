/* Small text readers the tools share. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "common/text.h"

int tna_mac_parse(const char *s, uint8_t m[6])
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2],
		      &m[3], &m[4], &m[5]) == 6 ? 0 : -EINVAL;
}

int tna_read_int(int def, const char *fmt, ...)
{
	char path[300];
	va_list ap;
	FILE *f;
	int v = def;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	f = fopen(path, "re");
	if (!f)
		return def;
	if (fscanf(f, "%i", &v) != 1)
		v = def;
	fclose(f);
	return v;
}
