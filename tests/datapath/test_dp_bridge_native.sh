#!/bin/bash
# test_dp_bridge.sh in native (driver) mode: veth ports, peers' GRO turned
# on by --peer-gro for the redirect egress and turned off again on exit.
MODE=native exec bash "$(dirname "$0")/test_dp_bridge.sh"
