#!/bin/bash
# Smoke test of our tools in the test kernel: the bridge equivalence test of
# the host tier (tests/deploy/test_deploy_equiv.sh: tna-deploy, generic,
# against plain Linux through the tests/equiv harness) run unchanged here.
[[ ${TNA_VM:-} == 1 ]] || { echo "SKIP: runs in the test VM (make check-vm)"; exit 77; }
exec bash "$(dirname "$0")/../deploy/test_deploy_equiv.sh"
