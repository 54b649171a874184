#!/bin/bash
# test_deploy_router_move.sh with tna-deploy --target native (GRO on the
# hosts' veth ends, so the ports can transmit redirected frames).
MODE=native exec "$(dirname "$0")/test_deploy_router_move.sh"
