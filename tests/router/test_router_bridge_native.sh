#!/bin/bash
# test_router_bridge.sh in native mode.
MODE=native exec bash "$(dirname "$0")/test_router_bridge.sh"
