#!/bin/bash
# test_router_deploy_equiv.sh with tna-deploy --target native as the DUT.
MODE=native exec "$(dirname "$0")/test_router_deploy_equiv.sh"
