/* controller/debounce: one apply per burst, delay bounded by max. */
#include "controller/debounce.h"
#include "tests/lib/tna_test.h"

#define MS 1000000ull

int main(void)
{
	struct tna_debounce d;
	uint64_t t = 1000 * MS;
	int i;

	tna_debounce_init(&d, 5, 20);
	CHECK(!tna_debounce_pending(&d), "see line");
	CHECK_EQ(tna_debounce_timeout_ms(&d, t), -1);
	CHECK(!tna_debounce_due(&d, t), "see line");

	/* one event: due after the quiet time, not before */
	tna_debounce_event(&d, t);
	CHECK(tna_debounce_pending(&d), "see line");
	CHECK(!tna_debounce_due(&d, t + 4 * MS), "see line");
	CHECK_EQ(tna_debounce_timeout_ms(&d, t + 1 * MS), 4);
	CHECK(tna_debounce_due(&d, t + 5 * MS), "see line");
	CHECK_EQ(tna_debounce_timeout_ms(&d, t + 6 * MS), 0);
	tna_debounce_reset(&d);
	CHECK(!tna_debounce_pending(&d), "see line");

	/* a steady stream (one event every 3 ms) is still applied at 20 ms */
	for (i = 0; i <= 6; i++) {
		tna_debounce_event(&d, t + i * 3 * MS);
		CHECK(!tna_debounce_due(&d, t + i * 3 * MS), "see line");
	}
	CHECK_EQ(d.events, 7u);
	CHECK(!tna_debounce_due(&d, t + 19 * MS), "see line");
	CHECK(tna_debounce_due(&d, t + 20 * MS), "see line");
	CHECK_EQ(tna_debounce_timeout_ms(&d, t + 18 * MS + MS / 2), 2);

	/* max below quiet is raised to quiet */
	tna_debounce_init(&d, 10, 2);
	tna_debounce_event(&d, t);
	CHECK(!tna_debounce_due(&d, t + 9 * MS), "see line");
	CHECK(tna_debounce_due(&d, t + 10 * MS), "see line");
	return tna_test_exit();
}
