#!/bin/bash
# tna-deploy's output as an operator and a script see it, on a 3-port
# bridge in namespace dut (tests/deploy/lib.sh):
#  - -n NETNS is --netns: "-n NS --status" and "-n NS --dry-run" work;
#  - a dry run: -q prints nothing, the JSON says "deployed": false, the
#    router's netfilter reason names the family and hook as nft does
#    ("nftables ip forward hook"), --target offload on veths names the
#    missing hw-offload;
#  - --json as a controller: stdout is one JSON document from start to
#    exit (progress lines and logs on stderr); -q: no plan, no info log;
#  - logs carry level and wall-clock time, or a journal priority under
#    systemd (INVOCATION_ID);
#  - --status in words (no raw JSON), columns aligned for 15-character
#    names; tna-stat's and tna-probe's tables too;
#  - tna-stat without root while TNA programs are attached: exit 1 with the
#    permission problem, not "no TNA program".
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/netns.sh
source tests/deploy/lib.sh
need_root
D=("$TNA_BIN/tna-deploy" --netns "$TNA_NS-dut")
PY=/usr/bin/python3
deploy_topo
LONG=port15charsxyzw	# IFNAMSIZ - 1
veth h3 eth1 dut $LONG
in_ns dut ip link set $LONG master br0

# -n is --netns
"$TNA_BIN/tna-deploy" -n "$TNA_NS-dut" --status >"$DEPLOY_TMP/st" || fail "-n NS --status: exit $?"
grep -q "^no controller running in this network namespace" "$DEPLOY_TMP/st" ||
	fail "-n NS --status: $(cat "$DEPLOY_TMP/st")"
"$TNA_BIN/tna-deploy" -n "$TNA_NS-dut" --dry-run >"$DEPLOY_TMP/dry" || fail "-n NS --dry-run: exit $?"
grep -q "^bridge br0 " "$DEPLOY_TMP/dry" || fail "-n NS --dry-run: $(cat "$DEPLOY_TMP/dry")"
echo "ok: -n NS --status, -n NS --dry-run"

# dry run: -q is quiet, JSON does not claim a deployment
out=$("${D[@]}" --dry-run -q 2>&1) || fail "--dry-run -q: exit $?"
[[ -z $out ]] || fail "--dry-run -q printed: $out"
"${D[@]}" --dry-run -j >"$DEPLOY_TMP/dry.json" || fail "--dry-run -j"
$PY - "$DEPLOY_TMP/dry.json" <<'PY' || fail "--dry-run --json: deployed must be false"
import json, sys
txt = open(sys.argv[1]).read()
assert txt.count("\n") == 1, "-j is compact: one line"
for b in json.loads(txt):
    if "bridge" in b:
        assert b["deployed"] is False and b["accelerable"] is True, b
PY
"${D[@]}" --dry-run -p | $PY -c 'import json,sys; t=sys.stdin.read(); json.loads(t); assert t.count("\n") > 10' ||
	fail "-p: indented JSON"
echo "ok: --dry-run -q silent; JSON deployed false, -j compact, -p indented"

out=$("${D[@]}" --dry-run --target offload 2>&1); rc=$?
why=$(grep "offload refused" <<<"$out")
[[ $rc -eq 1 && $why == *"has no hw-offload (XDP features: "* && $why != *"ndo-xmit:"* ]] ||
	fail "--target offload on veths (rc $rc): $out"
echo "ok: offload refusal: $(grep refused <<<"$out" | head -1)"

# the router's netfilter reason in nft's words (--no-filter: by default
# this ruleset is compiled into the fast path)
in_ns dut ip addr add 10.0.0.254/24 dev br0
in_ns dut ip link add r1 type veth peer name r1p
in_ns dut ip link set r1 up; in_ns dut ip link set r1p up
in_ns dut ip addr add 10.7.0.1/24 dev r1
in_ns dut sysctl -qw net.ipv4.ip_forward=1
in_ns dut nft add table ip tnaf
in_ns dut nft add chain ip tnaf fw '{ type filter hook forward priority 0; }'
in_ns dut nft add rule ip tnaf fw counter
"${D[@]}" --dry-run 2>&1 | grep -q "netfilter sees routed traffic, compiled for IPv4" ||
	fail "the router's rules are not compiled by default"
out=$("${D[@]}" --dry-run --no-filter 2>&1)
grep -q "nftables ip forward hook has rules" <<<"$out" ||
	fail "router reason without nft's names: $(grep -i nftables <<<"$out")"
grep -q "family [0-9]" <<<"$out" && fail "a family number in: $(grep 'family [0-9]' <<<"$out")"
echo "ok: $(grep -o 'nftables ip forward hook has rules' <<<"$out" | head -1)"
in_ns dut nft delete table ip tnaf
in_ns dut sysctl -qw net.ipv4.ip_forward=0

# --json controller: stdout stays JSON until the end
start_json() {	# ENV... -- ARGS...: DPID, output in $DEPLOY_TMP/j.{out,err}
	local envs=()
	while [[ $1 != -- ]]; do envs+=("$1"); shift; done; shift
	: >"$DEPLOY_TMP/j.out"; : >"$DEPLOY_TMP/j.err"
	ip netns exec "$TNA_NS-dut" env "${envs[@]}" "$TNA_BIN/tna-deploy" --target generic "$@" \
		>"$DEPLOY_TMP/j.out" 2>"$DEPLOY_TMP/j.err" &
	DPID=$!
	on_exit "kill -9 $DPID"
	for _ in $(seq 100); do
		in_ns dut "$TNA_BIN/tna-deploy" --status -j 2>/dev/null |
			$PY -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d["running"] and "bridges" in d else 1)' &&
			return 0
		sleep 0.1
	done
	fail "controller did not come up: $(cat "$DEPLOY_TMP/j.err")"
}
stop_json() { kill -TERM "$DPID"; wait "$DPID" || fail "controller exit $?"; }

start_json -u INVOCATION_ID -u JOURNAL_STREAM -- --json
in_ns dut ip link set p3 down; sleep 0.3; in_ns dut ip link set p3 up; sleep 0.3
stop_json
$PY -c 'import json,sys; json.load(open(sys.argv[1]))' "$DEPLOY_TMP/j.out" ||
	fail "stdout of --json is not one JSON document: $(cat "$DEPLOY_TMP/j.out")"
grep -q "tna-deploy" "$DEPLOY_TMP/j.out" && fail "--json: text on stdout"
grep -q "^tna-deploy: ready" "$DEPLOY_TMP/j.err" || fail "--json: ready line not on stderr"
grep -q "^tna-deploy: detached: plain Linux (SIGTERM)" "$DEPLOY_TMP/j.err" ||
	fail "--json: no detach line on stderr: $(cat "$DEPLOY_TMP/j.err")"
echo "ok: --json: stdout one JSON document, ready/detached on stderr"
# logs: level and time of day outside systemd
ts='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{4}'
grep -v '^tna-deploy: \(ready\|detached\)' "$DEPLOY_TMP/j.err" >"$DEPLOY_TMP/logs"
[[ -s $DEPLOY_TMP/logs ]] || fail "no log line (a port went down and up)"
grep -Evq "^$ts tna-deploy: (error|info|verbose): " "$DEPLOY_TMP/logs" &&
	fail "log lines without time and level: $(grep -Ev "^$ts tna-deploy: " "$DEPLOY_TMP/logs")"
echo "ok: log lines like: $(head -1 "$DEPLOY_TMP/logs")"

# under systemd: the journal's priority prefix, no time of our own
start_json INVOCATION_ID=0123456789abcdef -- -v
stop_json
grep -v '^tna-deploy: \(ready\|detached\)' "$DEPLOY_TMP/j.err" >"$DEPLOY_TMP/logs"
[[ -s $DEPLOY_TMP/logs ]] || fail "no log line under INVOCATION_ID"
grep -Evq '^<[367]>(error|info|verbose): ' "$DEPLOY_TMP/logs" &&
	fail "journal lines: $(grep -Ev '^<[367]>' "$DEPLOY_TMP/logs" | head -3)"
echo "ok: under systemd: $(head -1 "$DEPLOY_TMP/logs")"

# -q: while all goes well, the ready and detached lines only
start_json -- -q
in_ns dut ip link set p3 down; sleep 0.3; in_ns dut ip link set p3 up; sleep 0.3
stop_json
[[ ! -s $DEPLOY_TMP/j.err ]] || fail "-q logged: $(cat "$DEPLOY_TMP/j.err")"
[[ $(grep -vc '^tna-deploy: \(ready\|detached\): ' "$DEPLOY_TMP/j.out") -eq 0 &&
   $(wc -l <"$DEPLOY_TMP/j.out") -eq 2 ]] || fail "-q printed: $(cat "$DEPLOY_TMP/j.out")"
echo "ok: -q prints the ready and detached lines only"

# --status in words, aligned; tna-stat and tna-probe tables aligned
start_json --
"${D[@]}" --status >"$DEPLOY_TMP/st" || fail "--status: exit $?"
cat "$DEPLOY_TMP/st"
grep -q "^controller pid $DPID: " "$DEPLOY_TMP/st" || fail "--status: no pid line"
grep -q '[][{}"]' "$DEPLOY_TMP/st" && fail "--status shows raw JSON: $(grep '[][{}"]' "$DEPLOY_TMP/st")"
grep -q "^  pipeline: parse_eth > " "$DEPLOY_TMP/st" || fail "--status: no pipeline line"
grep -q "^  fdb mirror: [0-9]* set, [0-9]* deleted" "$DEPLOY_TMP/st" || fail "--status: fdb mirror"
# column N (0-based char offset) of the word after the name, per port line
cols() { $PY -c '
import re, sys
offs = set()
for l in open(sys.argv[1]):
    m = re.match(sys.argv[2], l)
    if m: offs.add(m.start(1))
print(len(offs), sorted(offs))' "$@"; }
c=$(cols "$DEPLOY_TMP/st" '^  port \S+ +(\S)')
[[ $c == "1 "* ]] || fail "--status port columns not aligned: $c"
in_ns dut "$TNA_BIN/tna-stat" >"$DEPLOY_TMP/stat" || fail "tna-stat"
grep -q "^$LONG " "$DEPLOY_TMP/stat" || fail "tna-stat lacks $LONG"
c=$(cols "$DEPLOY_TMP/stat" '^\S+ +\S+, \S+ +\S+ +(forwarded)')
[[ $c == "1 "* ]] || fail "tna-stat columns not aligned: $c: $(cat "$DEPLOY_TMP/stat")"
# GRO at the peer: the longest feature list, basic,redirect,ndo-xmit,rx-sg,ndo-xmit-sg
in_ns h3 ethtool -K eth1 gro on >/dev/null || fail "GRO on at h3 eth1"
"$TNA_BIN/tna-probe" -n "$TNA_NS-dut" >"$DEPLOY_TMP/probe" || fail "tna-probe"
grep -q "$LONG .*basic,redirect,ndo-xmit,rx-sg,ndo-xmit-sg" "$DEPLOY_TMP/probe" ||
	fail "tna-probe: no long feature list: $(cat "$DEPLOY_TMP/probe")"
$PY - "$DEPLOY_TMP/probe" <<'PY' || fail "tna-probe columns: $(cat "$DEPLOY_TMP/probe")"
import sys
lines = open(sys.argv[1]).read().splitlines()
hdr = next(l for l in lines if l.lstrip().startswith("IFX"))
heads = hdr.split()
cols = [hdr.index(" " + h + " ") + 1 if h != "IFX" and h != "TARGET" else hdr.index(h) for h in heads]
cols[-1] = hdr.index("TARGET")
for l in lines:
    if not l[:4].strip().isdigit():
        continue
    for h, c in zip(heads[1:], cols[1:]):
        assert l[c - 1] == " " and l[c] != " ", (h, c, l)
PY
echo "ok: --status in words; tna-deploy, tna-stat and tna-probe columns aligned with a 15-character name"

# tna-stat as nobody while TNA programs are attached: a permission error
cp "$TNA_BIN/tna-stat" "$DEPLOY_TMP/tna-stat"; chmod 755 "$DEPLOY_TMP" "$DEPLOY_TMP/tna-stat"
out=$(in_ns dut setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$DEPLOY_TMP/tna-stat" 2>&1); rc=$?
[[ $rc -eq 1 && $out == "tna-stat: cannot read the XDP programs: Operation not permitted"* ]] ||
	fail "tna-stat as nobody: rc $rc: $out"
echo "ok: tna-stat as nobody -> exit 1: $out"
stop_json
echo "all checks passed"
