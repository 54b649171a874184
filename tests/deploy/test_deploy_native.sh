#!/bin/bash
# tna-deploy end to end in native mode (GRO on the host-side veth peers, so
# the DUT's veths can be redirect egresses): the generic test's assertions.
MODE=native exec bash "$(dirname "$0")/test_deploy_bridge.sh"
