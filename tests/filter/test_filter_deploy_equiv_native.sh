#!/bin/bash
# test_filter_deploy_equiv.sh with tna-deploy --target native as the DUT.
MODE=native exec bash "$(dirname "$0")/test_filter_deploy_equiv.sh"
