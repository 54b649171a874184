#!/bin/bash
# Inside the test VM (kernel/vm-run.sh runs it): the given VM tests through
# tests/run.sh, so their lines, logs ($BUILD/test-logs/) and summary are
# those of the host tier.  TCG runs everything several times slower: each
# test gets 30 minutes.
cd "$(dirname "$0")/../.." || exit 1
TNA_TESTS="$*" TNA_TEST_TIMEOUT=${TNA_TEST_TIMEOUT:-1800} exec tests/run.sh
