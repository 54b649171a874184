#!/bin/bash
# vm_vlan_equiv.sh with the native target.
MODE=native exec bash "$(dirname "$0")/vm_vlan_equiv.sh"
