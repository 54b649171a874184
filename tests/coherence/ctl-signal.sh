#!/bin/bash
# ctl-signal.sh SIG: send SIG (STOP, CONT, ...) to the tna-deploy controller
# of the current network namespace, found through its lock file.  No
# controller (plain Linux, run A of the equivalence harness): nothing, exit 0.
ino=$(stat -L -c %i /proc/self/ns/net) || exit 1
pid=$(cat "/run/tna/deploy-$ino.lock" 2>/dev/null) || exit 0
[[ -n $pid && $(cat "/proc/$pid/comm" 2>/dev/null) == tna-deploy &&
   $(readlink "/proc/$pid/ns/net") == $(readlink /proc/self/ns/net) ]] || exit 0
kill -"$1" "$pid"
