#!/bin/bash
# test_router.sh in native mode (veth peers get GRO for redirect).
MODE=native exec bash "$(dirname "$0")/test_router.sh"
