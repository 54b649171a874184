#!/bin/bash
# vm_deploy_kfunc_equiv.sh with tna-deploy --target native.
MODE=native exec bash "$(dirname "$0")/vm_deploy_kfunc_equiv.sh"
