#!/bin/bash
# ctl-signal.sh SIG: send SIG (STOP, CONT, ...) to the tna-deploy controller
# of the current network namespace (the process named tna-deploy whose
# network namespace is this one).  No controller (plain Linux, run A of the
# equivalence harness): nothing, exit 0.
self=$(readlink /proc/self/ns/net) || exit 1
for d in /proc/[0-9]*; do
	[[ $(cat "$d/comm" 2>/dev/null) == tna-deploy &&
	   $(readlink "$d/ns/net" 2>/dev/null) == "$self" ]] || continue
	grep -q -- --sync "$d/cmdline" 2>/dev/null && continue
	kill -"$1" "${d#/proc/}"
done
exit 0
