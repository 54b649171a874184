#!/bin/bash
# test_deploy_router_swap.sh with the router in the pipeline of a bridge
# with an address (br0: the swaps are the bridge's pipeline).
TOPO=bridge exec "$(dirname "$0")/test_deploy_router_swap.sh"
