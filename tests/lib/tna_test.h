/* Minimal assertions for unit tests: each failed CHECK prints where and
 * why; tna_test_exit() turns the count into the exit code tests/run.sh reads
 * (0 pass, 1 fail, 77 skip). */
#ifndef TNA_TEST_H
#define TNA_TEST_H
#include <stdio.h>
#include <string.h>

static int tna_test_failures;
static int tna_test_checks;

#define CHECK(cond, ...) do {						\
	tna_test_checks++;						\
	if (!(cond)) {							\
		tna_test_failures++;					\
		fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__,	\
			__LINE__, #cond);				\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

#define CHECK_EQ(a, b) CHECK((long long)(a) == (long long)(b),		\
	"%s = %lld, expected %lld", #a, (long long)(a), (long long)(b))
#define CHECK_STR(a, b) CHECK((a) && !strcmp((a), (b)),			\
	"%s = \"%s\", expected \"%s\"", #a, (a) ? (a) : "(null)", (b))

#define SKIP_TEST(...) do { printf("SKIP: " __VA_ARGS__); putchar('\n'); return 77; } while (0)

static inline int tna_test_exit(void)
{
	printf("%d checks, %d failed\n", tna_test_checks, tna_test_failures);
	return tna_test_failures ? 1 : 0;
}
#endif
