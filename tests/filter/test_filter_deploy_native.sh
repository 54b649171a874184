#!/bin/bash
MODE=native exec bash "$(dirname "$0")/test_filter_deploy.sh"
