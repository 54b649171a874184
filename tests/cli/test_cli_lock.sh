#!/bin/bash
# The one-controller-per-namespace lock and its files under /run/tna:
#  - a controller holding the lock is named by its pid, never "pid 0",
#    also in the moment before it wrote its pid (held here by a process
#    that writes nothing), and when two start at the same instant; one of
#    an earlier version (an flock() only) is seen too, and not swept;
#  - /run/tna does not grow: a clean exit removes the namespace's lock and
#    status files, a killed controller's files are reused by the next one
#    of that namespace and removed by the next one of any namespace;
#  - a controller whose namespace is deleted (ip netns del) exits 0 on its
#    own and says why, whether started with --netns or under ip netns exec;
#    deleting another namespace does not stop it.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
need_root
PY=/usr/bin/python3
T=$(mktemp -d); on_exit "rm -rf $T"

mkbr() {	# NS: a bridge with two veth ports, nothing else
	ns "$1" >/dev/null
	in_ns "$1" ip link add br0 type bridge
	for i in 1 2; do
		in_ns "$1" ip link add p$i type veth peer name e$i
		in_ns "$1" ip link set p$i master br0
		in_ns "$1" ip link set p$i up; in_ns "$1" ip link set e$i up
	done
	in_ns "$1" ip link set br0 up
}
ino() { stat -L -c %i "/run/netns/$TNA_NS-$1"; }
files() { ls /run/tna 2>/dev/null | grep -c "^deploy-$1\." ; }

start() {	# NS [how=netns|exec] : PID, log $T/NS.log
	local n=$1 how=${2:-netns}
	: >"$T/$n.log"
	if [[ $how == exec ]]; then
		ip netns exec "$TNA_NS-$n" "$TNA_BIN/tna-deploy" -t generic >"$T/$n.log" 2>&1 &
	else
		"$TNA_BIN/tna-deploy" --netns "$TNA_NS-$n" -t generic >"$T/$n.log" 2>&1 &
	fi
	PID=$!
	on_exit "kill -9 $PID"
	for _ in $(seq 100); do
		grep -q '^tna-deploy: ready' "$T/$n.log" && return 0
		kill -0 $PID 2>/dev/null || break
		sleep 0.1
	done
	fail "controller in $n did not start: $(cat "$T/$n.log")"
}
gone_within() {	# PID TENTHS: the process ended (and was reaped)
	for _ in $(seq "$2"); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
	return 1
}

mkbr a; mkbr b; mkbr c
A=$(ino a); B=$(ino b)

# 1. the holder is named even before it wrote its pid
lockf=/run/tna/deploy-$A.lock
mkdir -p /run/tna
$PY - "$lockf" "$T/held" <<'PY' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
os.ftruncate(fd, 0)			# a winner that has not written its pid yet
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
open(sys.argv[2], "w").write(str(os.getpid()))
time.sleep(30)
PY
holder=$!
on_exit "kill $holder"
for _ in $(seq 50); do [[ -s $T/held ]] && break; sleep 0.1; done
out=$(timeout 5 "$TNA_BIN/tna-deploy" --netns "$TNA_NS-a" -t generic 2>&1); rc=$?
[[ $rc -eq 1 && $out == "tna-deploy: another controller (pid $holder) runs in this network namespace"* ]] ||
	fail "lock held by pid $holder without a pid written: rc $rc: $out"
out=$("$TNA_BIN/tna-deploy" --netns "$TNA_NS-a" --status -j)
[[ $($PY -c 'import json,sys; d=json.load(sys.stdin); print(d["running"], d.get("pid"))' <<<"$out") == "True $holder" ]] ||
	fail "--status while the lock is held: $out"
kill $holder; wait $holder 2>/dev/null
echo "ok: a holder that wrote no pid yet is named: pid $holder"

# 1b. a controller of an earlier version held an flock() on the file: it
# is seen as running, and another controller's sweep leaves its files
$PY - "$lockf" "$T/held2" <<'PY' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)	# what earlier versions took
os.ftruncate(fd, 0); os.write(fd, b"%d\n" % os.getpid())
open(sys.argv[2], "w").write(str(os.getpid()))
time.sleep(30)
PY
oldc=$!
on_exit "kill $oldc"
for _ in $(seq 50); do [[ -s $T/held2 ]] && break; sleep 0.1; done
out=$(timeout 5 "$TNA_BIN/tna-deploy" --netns "$TNA_NS-a" -t generic 2>&1); rc=$?
[[ $rc -eq 1 && $out == "tna-deploy: another controller (pid $oldc) runs"* ]] ||
	fail "an flock() holder is not seen: rc $rc: $out"
start b; kill -TERM $PID; wait $PID
[[ -f $lockf ]] || fail "a sweep removed the lock file of a running earlier-version controller"
kill $oldc; wait $oldc 2>/dev/null
echo "ok: a controller holding only an flock() (earlier versions) is seen and its files kept"

# 2. two controllers at the same instant: one runs, the other names it
for round in 1 2 3 4 5; do
	for k in 1 2; do
		"$TNA_BIN/tna-deploy" --netns "$TNA_NS-a" -t generic >"$T/race$k" 2>&1 &
		eval "rp$k=\$!"
	done
	on_exit "kill -9 $rp1 $rp2"
	for _ in $(seq 100); do
		grep -q '^tna-deploy: \(ready\|another\)' "$T/race1" &&
		grep -q '^tna-deploy: \(ready\|another\)' "$T/race2" && break
		sleep 0.1
	done
	if grep -q '^tna-deploy: ready' "$T/race1"; then win=$rp1 lose=2; else win=$rp2 lose=1; fi
	grep -q "^tna-deploy: another controller (pid $win) runs" "$T/race$lose" ||
		fail "round $round: loser said: $(cat "$T/race$lose") (winner $win)"
	kill -TERM $win; wait $rp1 $rp2 2>/dev/null
done
echo "ok: 5 rounds of two controllers at once: the loser names the winner"

# 3. files: clean exit removes them
start a; [[ $(files $A) -eq 2 ]] || fail "running: want lock + status file: $(ls /run/tna)"
kill -TERM $PID; wait $PID
[[ $(files $A) -eq 0 ]] || fail "clean exit left: $(ls /run/tna | grep "deploy-$A")"
echo "ok: a clean exit leaves nothing in /run/tna"
# kill -9: files stay, the next controller of that namespace reuses them
start a; kill -9 $PID; wait $PID 2>/dev/null
[[ $(files $A) -eq 2 ]] || fail "after kill -9: $(ls /run/tna | grep "deploy-$A")"
out=$("$TNA_BIN/tna-deploy" --netns "$TNA_NS-a" --status)
[[ $out == "no controller running"* ]] || fail "stale status file shown: $out"
start a; [[ $(files $A) -eq 2 ]] || fail "restart in a: $(ls /run/tna | grep "deploy-$A")"
kill -9 $PID; wait $PID 2>/dev/null
# ... and a controller of another namespace removes them
start b
[[ $(files $A) -eq 0 ]] || fail "b's start left a's stale files: $(ls /run/tna | grep "deploy-$A")"
kill -TERM $PID; wait $PID
[[ $(files $B) -eq 0 ]] || fail "b's files after its exit: $(ls /run/tna | grep "deploy-$B")"
echo "ok: kill -9 leftovers are reused in their namespace and swept by another controller"

# 4. ip netns del ends the controller: --netns, then ip netns exec
for how in netns exec; do
	n=$([[ $how == netns ]] && echo a || echo b)
	start $n $how
	in_ns c true; ip netns add "$TNA_NS-tmp$how"; ip netns del "$TNA_NS-tmp$how"
	sleep 0.5
	kill -0 $PID 2>/dev/null || fail "$how: another namespace's deletion stopped it: $(cat "$T/$n.log")"
	i=$(ino $n)
	ip netns del "$TNA_NS-$n"
	gone_within $PID 30 || fail "$how: still running 3 s after ip netns del"
	wait $PID; rc=$?
	[[ $rc -eq 0 ]] || fail "$how: exit $rc: $(cat "$T/$n.log")"
	grep -q "stopping: network namespace /var/run/netns/$TNA_NS-$n was deleted (ip netns del)" "$T/$n.log" ||
		fail "$how: no reason given: $(cat "$T/$n.log")"
	grep -q "^tna-deploy: detached: plain Linux" "$T/$n.log" || fail "$how: no detach line"
	[[ $(files "$i") -eq 0 ]] || fail "$how: files left after ip netns del"
	echo "ok: ip netns del ($how): $(grep stopping "$T/$n.log")"
done
echo "all checks passed"
