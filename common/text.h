/* Small text readers the tools share: MAC addresses and integer files
 * (sysfs, /proc/sys). */
#ifndef TNA_COMMON_TEXT_H
#define TNA_COMMON_TEXT_H
#include <stdint.h>

/* "aa:bb:cc:dd:ee:ff" -> MAC; 0 or -EINVAL. */
int tna_mac_parse(const char *s, uint8_t mac[6]);

/* The integer in the file named by FMT (printf style), or DEF when the
 * file is missing or holds no integer. */
int tna_read_int(int def, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
