#!/bin/bash
# vm_fdb_kfunc_equiv.sh with the kfunc fast path attached in native mode.
MODE=native exec bash "$(dirname "$0")/vm_fdb_kfunc_equiv.sh"
