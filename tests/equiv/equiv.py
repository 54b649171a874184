#!/usr/bin/python3
"""equiv: differential equivalence harness.  Runs a traffic script twice on
fresh copies of a topology recipe, once with plain Linux (run A) and once with
a DUT command running in the DUT namespace (run B, e.g. TNA), and compares
what left the DUT on every port, and the DUT's kernel state at the end.

See tests/equiv/README.md for the recipe and script formats.
Exit: 0 equivalent, 1 different, 2 usage/recipe/setup error, 130 interrupted.
"""
import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import topo as topo_mod      # noqa: E402
import capture as cap_mod    # noqa: E402
import compare as cmp_mod    # noqa: E402
import gen as gen_mod        # noqa: E402

BATCH = 32          # frames sent before the captures are drained again


class SetupError(Exception):
    pass


def progress(msg):
    print("equiv: " + msg, file=sys.stderr, flush=True)


# --- traffic scripts ------------------------------------------------------

def parse_script(path, ports, hosts):
    """-> list of steps (dicts).  Format in README.md."""
    try:
        text = open(path).read()
    except OSError as e:
        raise SetupError("%s: %s" % (path, e.strerror))
    steps = []
    for no, raw in enumerate(text.replace("\\\n", " ").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = "%s:%d" % (path, no)
        word, _, rest = line.partition(" ")
        rest = rest.strip()
        st = {"where": where, "line": line, "kind": word}
        if word == "gen":
            a = rest.split()
            if not a or (a[0] not in gen_mod.GENERATORS and a[0] != "mix"):
                raise SetupError("%s: unknown generator '%s' (--list-gens shows them)"
                                 % (where, a[0] if a else ""))
            st.update(name=a[0], count=None, at=None, seed=None)
            for opt in a[1:]:
                k, _, v = opt.partition("=")
                if k == "count" and v.isdigit() and int(v) > 0:
                    st["count"] = int(v)
                elif k == "seed" and v:
                    st["seed"] = v
                elif k == "at" and v and all(p in ports for p in v.split(",")):
                    st["at"] = v.split(",")
                else:
                    raise SetupError("%s: bad gen option '%s' (count=N, seed=S, at=PORT[,PORT])"
                                     % (where, opt))
            if st["count"] is None:
                st["count"] = 10000 if a[0] == "mix" else 100
        elif word == "send":
            a = rest.split()
            if len(a) != 2 or a[0] not in ports:
                raise SetupError("%s: want 'send PORT HEX' with a known port" % where)
            try:
                st["frame"] = bytes.fromhex(a[1])
            except ValueError:
                raise SetupError("%s: bad hex frame" % where)
            if len(st["frame"]) < 14:
                raise SetupError("%s: a frame needs at least 14 bytes" % where)
            st["port"] = a[0]
        elif word == "dut":
            if not rest:
                raise SetupError("%s: 'dut' needs a command" % where)
            st["cmd"] = rest
        elif word == "in":
            h, _, cmd = rest.partition(" ")
            if h not in hosts or not cmd:
                raise SetupError("%s: want 'in HOST CMD' with a declared host" % where)
            st.update(host=h, cmd=cmd)
        elif word == "sleep":
            try:
                st["seconds"] = float(rest)
                assert 0 <= st["seconds"] <= 600
            except (ValueError, AssertionError):
                raise SetupError("%s: want 'sleep SECONDS' (0..600)" % where)
        elif word == "settle":
            pass
        else:
            raise SetupError("%s: unknown step '%s' (gen, send, dut, in, sleep, settle)" % (where, word))
        steps.append(st)
    if not any(s["kind"] in ("gen", "send") for s in steps):
        raise SetupError("%s: the script sends no frame" % path)
    return steps


def make_frames(steps, ctx, seed):
    """Fill every gen/send step with its frames: [(port, bytes)], once for
    both runs.  Each gen step gets its own rng from (seed, line) unless it
    names a seed, so inserting a step does not change the others' frames."""
    for st in steps:
        if st["kind"] == "gen":
            if st["seed"] is None:
                ctx.rng = random.Random("%s:%s" % (seed, st["where"].rsplit(":", 1)[1]))
            else:
                ctx.rng = random.Random("step:%s" % st["seed"])
            st["frames"] = gen_mod.generate(ctx, st["name"], st["count"], st["at"])
        elif st["kind"] == "send":
            st["frames"] = [(st["port"], st["frame"])]


# --- the DUT command (run B) -----------------------------------------------

class DutCmd:
    def __init__(self, topo, cmd, ready_cmd, ready_line):
        self.topo, self.cmd = topo, cmd
        self.lines = []
        self.ready_re = re.compile(ready_line) if ready_line else None
        self.ready_cmd = ready_cmd
        self.seen_ready = threading.Event()
        self.proc = subprocess.Popen(["ip", "netns", "exec", topo.ns["dut"], "bash", "-c", cmd],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True, env=topo.env())
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            if self.ready_re is None and self.ready_cmd is None:
                self.seen_ready.set()
            elif self.ready_re is not None and self.ready_re.search(line):
                self.seen_ready.set()

    def tail(self, n=8):
        return "\n".join("    | " + l for l in self.lines[-n:])

    def wait_ready(self, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                time.sleep(0.1)
                raise SetupError("dut command exited with status %d before it was ready:\n%s"
                                 % (self.proc.returncode, self.tail()))
            if self.ready_cmd is not None and (self.ready_re is None or self.seen_ready.is_set()):
                p = subprocess.run(["ip", "netns", "exec", self.topo.ns["dut"], "sh", "-c", self.ready_cmd],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=self.topo.env())
                if p.returncode == 0:
                    return
            elif self.seen_ready.is_set():
                return
            time.sleep(0.1)
        raise SetupError("dut command not ready after %g s:\n%s" % (timeout, self.tail()))

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        """SIGTERM to the command's process group (ours), SIGKILL after 5 s."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.reader.join(2)
        return self.proc.returncode


# --- one run ------------------------------------------------------------------

def execute(topo, steps, cap, settle, sync=None):
    """SYNC: a command run in the DUT namespace after each `dut` step (run B
    with --dut-sync): returns once the DUT has applied the change."""
    for st in steps:
        k = st["kind"]
        if k in ("gen", "send"):
            fr = st["frames"]
            for i in range(0, len(fr), BATCH):
                for port, b in fr[i:i + BATCH]:
                    cap.send(port, b)
                cap.drain()
        elif k in ("dut", "in"):
            cap.settle(settle)
            topo.sh("dut" if k == "dut" else st["host"], st["cmd"], st["where"])
            if sync and k == "dut":
                topo.sh("dut", sync, "--dut-sync")
        elif k == "sleep":
            cap.wait(st["seconds"])
        elif k == "settle":
            cap.settle(settle)
    cap.settle(settle)


def run_once(label, recipe, prefix, args, dut_cmd, plan_cb):
    """Build, (start the DUT command), run, collect, tear down.  plan_cb(topo)
    is called once the topology exists and returns the steps to run."""
    t0 = time.monotonic()
    log = progress if args.verbose else (lambda m: None)
    topo = topo_mod.Topology(recipe, prefix, log)
    dut = None
    cap = None
    res = {"label": label, "dut_cmd": dut_cmd}
    try:
        progress("run %s (%s): building %d namespaces" % (prefix[-1], label, len(topo.ns)))
        topo.build()
        lag = topo.wait_stable()
        if lag:
            progress("run %s: still not operationally up after 10 s: %s" % (prefix[-1], " ".join(lag)))
        res["macs"], res["bridges"] = topo.macs()
        res["host_l3"] = topo.host_l3()
        steps = plan_cb(topo, res)
        if dut_cmd:
            progress("run %s: starting dut command: %s" % (prefix[-1], dut_cmd))
            dut = DutCmd(topo, dut_cmd, args.dut_ready, args.dut_ready_line)
            dut.wait_ready(args.dut_timeout)   # on failure `finally` stops it
            lag = topo.wait_stable()           # attaching may reset links
            if lag:
                progress("run %s: not operationally up with the dut command: %s" % (prefix[-1], " ".join(lag)))
        ports = {p: (topo.ns[l["host"]], l["hostif"]) for p, l in recipe.port_names().items()}
        cap = cap_mod.Capture(ports)
        t1 = time.monotonic()
        execute(topo, steps, cap, args.settle, args.dut_sync if dut is not None else None)
        res["traffic_seconds"] = round(time.monotonic() - t1, 2)
        res["state"] = topo.state()
        if dut is not None and args.dut_stats:
            res["dut_stats"] = topo.sh("dut", args.dut_stats, "--dut-stats", check=False).splitlines()
        if dut is not None:
            if not dut.alive():
                raise SetupError("dut command died during the run (status %s):\n%s"
                                 % (dut.proc.returncode, dut.tail()))
            rc = dut.stop()
            res["dut_exit"] = rc
            res["dut_output"] = dut.lines
            dut = None
        res["frames"] = cap.frames
        res["injected"] = cap.injected
        res["send_errors"] = cap.send_errors
        res["seconds"] = round(time.monotonic() - t0, 2)
        progress("run %s: %d frames injected, %d captured, traffic %.1f s"
                 % (prefix[-1], cap.injected, sum(len(v) for v in cap.frames.values()),
                    res["traffic_seconds"]))
        return res
    finally:
        if cap is not None:
            cap.close()
        if dut is not None:
            dut.stop()
        topo.destroy()


# --- report ------------------------------------------------------------------

def hexdump(b):
    out = []
    for i in range(0, len(b), 16):
        c = b[i:i + 16]
        out.append("%04x  %-48s %s" % (i, " ".join("%02x" % x for x in c),
                                       "".join(chr(x) if 32 <= x < 127 else "." for x in c)))
    return "\n".join(out)


def decode(b):
    try:
        from scapy.layers.l2 import Ether
        return Ether(b).show2(dump=True).rstrip()
    except Exception as e:   # a decoder failure must not hide the difference
        return "(scapy cannot decode: %s)" % e


def main():
    ap = argparse.ArgumentParser(prog="equiv.py", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--recipe", help="topology recipe file")
    ap.add_argument("--script", help="traffic script file")
    ap.add_argument("--seed", default="1", help="seed of all generators (default 1)")
    ap.add_argument("--dut-cmd", help="run B: command started in the DUT namespace (bash -c) "
                    "after the topology is built; stopped with SIGTERM at the end. "
                    "Without it run B is plain Linux again")
    ap.add_argument("--dut-ready", metavar="CMD", help="run B is ready when CMD (in the DUT "
                    "namespace) exits 0; polled every 0.1 s")
    ap.add_argument("--dut-ready-line", metavar="REGEX", help="run B is ready when the DUT "
                    "command prints a line matching REGEX (default: its first line)")
    ap.add_argument("--dut-timeout", type=float, default=30, help="seconds to wait for ready (30)")
    ap.add_argument("--dut-stats", metavar="CMD", help="run B: after the traffic, before stopping "
                    "the DUT command, run CMD in the DUT namespace and put its output in the "
                    "report (e.g. the fast path's counters)")
    ap.add_argument("--dut-sync", metavar="CMD", help="run B: after each `dut` step of the "
                    "script, run CMD in the DUT namespace; it returns once the DUT has applied "
                    "the configuration change (e.g. tna-deploy --sync)")
    ap.add_argument("--mask", action="append", default=[], help="named mask (repeatable); "
                    "--list-masks shows them")
    ap.add_argument("--order", choices=("flow", "port", "none"), default="flow",
                    help="order check: per flow (ingress, egress, src, dst, ethertype; default), "
                    "per ingress/egress port pair, or none")
    ap.add_argument("--settle", type=float, default=0.3, help="quiet seconds that end a capture (0.3)")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--out", default=os.path.join(root, os.environ.get("BUILD", "build"), "equiv-out"),
                    help="directory for pcaps on a difference (default: build/equiv-out)")
    ap.add_argument("--prefix", help="namespace name prefix (default tnaeq<pid>)")
    ap.add_argument("--json", action="store_true", help="print the report as JSON instead of text")
    ap.add_argument("--json-out", metavar="FILE", help="also write the JSON report to FILE")
    ap.add_argument("--save-pcaps", action="store_true", help="write the pcaps to --out even "
                    "when the runs are equivalent")
    ap.add_argument("--list-gens", action="store_true", help="list generators and exit")
    ap.add_argument("--list-masks", action="store_true", help="list masks and exit")
    ap.add_argument("-v", "--verbose", action="store_true", help="show every command run")
    args = ap.parse_args()

    if args.list_gens:
        for n, d in gen_mod.describe():
            print("%-16s %s" % (n, d))
        return 0
    if args.list_masks:
        for n, k, d in cmp_mod.list_masks():
            print("%-17s %-5s %s" % (n, k, d))
        return 0
    if not args.recipe or not args.script:
        ap.print_usage(sys.stderr)
        print("equiv.py: error: --recipe and --script are required", file=sys.stderr)
        return 2
    known = set(cmp_mod.FRAME_MASKS) | set(cmp_mod.STATE_MASKS)
    for m in args.mask:
        if m not in known:
            print("equiv.py: error: unknown mask '%s' (known: %s)" % (m, ", ".join(sorted(known))),
                  file=sys.stderr)
            return 2
    if os.geteuid() != 0:
        print("equiv.py: error: needs root (network namespaces)", file=sys.stderr)
        return 2
    try:
        recipe = topo_mod.Recipe(args.recipe)
        ports = recipe.port_names()
        steps = parse_script(args.script, ports, recipe.hosts)
        for m in recipe.masks:
            if m not in known:
                raise SetupError("%s: unknown mask '%s'" % (args.recipe, m))
            if m not in args.mask:
                args.mask.append(m)
    except (topo_mod.RecipeError, SetupError) as e:
        print("equiv.py: error: %s" % e, file=sys.stderr)
        return 2

    prefix = args.prefix or "tnaeq%d" % os.getpid()
    label_b = "tna" if args.dut_cmd else "linux2"

    def plan_a(topo, res):
        macs, bridges = res["macs"], res["bridges"]
        host_macs = {p: topo_mod.host_mac(l["idx"]) for p, l in ports.items()}
        ctx = gen_mod.Ctx(None, list(ports), host_macs, bridges, list(macs.values()))
        ctx.set_l3({p: res["host_l3"][p] + (macs.get(l["port"]),) for p, l in ports.items()})
        make_frames(steps, ctx, args.seed)
        return steps

    def plan_b(topo, res):
        if res["macs"] != run_a["macs"]:
            raise SetupError("the recipe gives DUT interfaces different MACs in each run "
                             "(set them with 'address'): %s vs %s" % (run_a["macs"], res["macs"]))
        return steps

    def on_signal(sig, frm):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    try:
        run_a = run_once("linux", recipe, prefix + "-a", args, None, plan_a)
        run_b = run_once(label_b, recipe, prefix + "-b", args, args.dut_cmd, plan_b)
    except KeyboardInterrupt:
        print("equiv.py: interrupted; namespaces removed", file=sys.stderr)
        return 130
    except (topo_mod.RecipeError, SetupError, OSError) as e:
        print("equiv.py: error: %s" % e, file=sys.stderr)
        return 2
    report = build_report(args, recipe, steps, run_a, run_b)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(report, f, indent=2)
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        print_text(report)
    return 0 if report["result"] == "equivalent" else 1


def build_report(args, recipe, steps, A, B):
    # where every injected frame came from: bytes -> [(port, index, step)]
    inj = {}
    idx = 0
    for st in steps:
        for port, b in st.get("frames", []):
            inj.setdefault(b, []).append((port, idx, st["where"], st["line"]))
            idx += 1

    inj_l3 = {}
    for b, lst in inj.items():
        k = cmp_mod.l3_key(b)
        if k is not None:
            inj_l3.setdefault(k, []).extend(lst)

    def injected_as(raw):
        """Injected frames this captured frame is (bytes equal) or was routed
        from (same L3 invariants, see compare.l3_key)."""
        if raw in inj:
            return inj[raw]
        k = cmp_mod.l3_key(raw)
        return inj_l3.get(k, []) if k is not None else []

    def origin(raw):
        return tuple(sorted({p for p, *_ in injected_as(raw)}))

    dut_macs = {bytes.fromhex(m.replace(":", "")) for m in A["macs"].values() if m}
    mctx = {"injected": inj, "dut_macs": dut_macs}
    masks = args.mask
    ports = {}
    first = None
    for p in A["frames"]:
        fa = cmp_mod.apply_frame_masks(A["frames"][p], masks, mctx)
        fb = cmp_mod.apply_frame_masks(B["frames"][p], masks, mctx)
        r = cmp_mod.compare_frames(fa, fb, origin, args.order)
        ports[p] = {"a": r["a"], "b": r["b"], "only_a": len(r["only_a"]), "only_b": len(r["only_b"]),
                    "order": r["order"]}
        cands = [("a", fa[i], i) for i in r["only_a"][:1]] + [("b", fb[i], i) for i in r["only_b"][:1]]
        for run, (f, raw, after, t), i in cands:
            d = {"kind": "frame", "port": p, "present_in": run, "missing_in": "b" if run == "a" else "a",
                 "index": i, "after_injected": after, "frame": raw}
            if first is None or first["kind"] != "frame" or after < first["after_injected"]:
                first = d
        od = r["order_diff"]
        if od and (first is None or (first["kind"] == "order" and
                                     fa[od["index_a"]][2] < first["after_injected"])):
            first = {"kind": "order", "port": p, "index": od["index_a"], "index_b": od["index_b"],
                     "after_injected": fa[od["index_a"]][2], "frame": fa[od["index_a"]][1],
                     "frame_b": fb[od["index_b"]][1], "flow_position": od["position"]}

    sa, sb = A["state"], B["state"]
    for m in masks:
        if m in cmp_mod.STATE_MASKS:
            cmp_mod.STATE_MASKS[m][0](sa)
            cmp_mod.STATE_MASKS[m][0](sb)
    state = cmp_mod.compare_state(sa, sb)
    frames_equal = all(v["only_a"] == 0 and v["only_b"] == 0 and v["order"] != "differs"
                       for v in ports.values())
    state_equal = all(v["equal"] for v in state.values())
    if first is None and not state_equal:
        t = [k for k, v in state.items() if not v["equal"]][0]
        first = {"kind": "state", "table": t, "only_a": state[t]["only_a"], "only_b": state[t]["only_b"]}
    result = "equivalent" if frames_equal and state_equal else "different"

    def errs(lst):
        c = {}
        for _, _, e in lst:
            c[e] = c.get(e, 0) + 1
        return c

    def run_info(R):
        return {"label": R["label"], "dut_cmd": R["dut_cmd"], "injected": R["injected"],
                "captured": sum(len(v) for v in R["frames"].values()), "seconds": R["seconds"],
                "traffic_seconds": R["traffic_seconds"], "send_errors": errs(R["send_errors"]),
                "dut_exit": R.get("dut_exit"), "dut_output_tail": R.get("dut_output", [])[-20:],
                "dut_stats": R.get("dut_stats")}

    rep = {"result": result, "recipe": args.recipe, "script": args.script, "seed": args.seed,
           "masks": masks, "order": args.order, "runs": {"a": run_info(A), "b": run_info(B)},
           "ports": ports, "state": {k: {"equal": v["equal"], "a": v["a"], "b": v["b"],
                                         "only_a": v["only_a"][:20], "only_b": v["only_b"][:20]}
                                     for k, v in state.items()},
           "first_difference": None, "pcaps": None}
    if first is not None:
        fd = dict(first)
        for k in ("frame", "frame_b"):
            if k in fd:
                raw = fd.pop(k)
                fd[k + "_len"] = len(raw)
                fd[k + "_hex"] = raw.hex()
                fd[k + "_hexdump"] = hexdump(raw)
                fd[k + "_decode"] = decode(raw)
                fd[k + "_injected_as"] = [{"port": p, "index": i, "step": w, "line": ln,
                                           "match": "bytes" if raw in inj else "l3"}
                                          for p, i, w, ln in injected_as(raw)[:3]]
        rep["first_difference"] = fd
    if result != "equivalent" or args.save_pcaps:
        rep["pcaps"] = write_pcaps(args.out, steps, A, B)
    return rep


def write_pcaps(out, steps, A, B):
    os.makedirs(out, exist_ok=True)
    files = []
    for R in (A, B):
        for p, frames in R["frames"].items():
            path = os.path.join(out, "%s-%s.pcap" % (R["label"], p.replace(":", "_")))
            cap_mod.write_pcap(path, ((b, t) for b, _, t in frames))
            files.append(path)
        if R.get("dut_output"):
            path = os.path.join(out, "%s-dut.log" % R["label"])
            with open(path, "w") as f:
                f.write("\n".join(R["dut_output"]) + "\n")
            files.append(path)
    per_port = {}
    idx = 0
    for st in steps:
        for port, b in st.get("frames", []):
            per_port.setdefault(port, []).append((b, idx * 1e-6))
            idx += 1
    for p, frames in per_port.items():
        path = os.path.join(out, "injected-%s.pcap" % p.replace(":", "_"))
        cap_mod.write_pcap(path, frames)
        files.append(path)
    return files


def clip(dump, lines=16):
    """The first 256 bytes of a hexdump (JSON keeps the whole frame)."""
    d = dump.splitlines()
    return "\n".join(d[:lines] + (["....  (%d more lines; full frame in --json and the pcaps)"
                                   % (len(d) - lines)] if len(d) > lines else []))


def print_text(r):
    A, B = r["runs"]["a"], r["runs"]["b"]
    print("recipe %s, script %s, seed %s, masks: %s, order: %s"
          % (r["recipe"], r["script"], r["seed"], ", ".join(r["masks"]) or "none", r["order"]))
    for k, R in (("A", A), ("B", B)):
        print("run %s %-7s %6d frames injected, %6d captured, traffic %4.1f s of %5.1f s%s%s"
              % (k, R["label"], R["injected"], R["captured"], R["traffic_seconds"], R["seconds"],
                 ("  dut: " + R["dut_cmd"]) if R["dut_cmd"] else "",
                 ""))
        for e, n in R["send_errors"].items():
            print("      %d frames refused at injection: %s (e.g. longer than the DUT port's MTU)"
                  % (n, e))
    if B.get("dut_stats"):
        print("run B --dut-stats:")
        for line in B["dut_stats"]:
            print("    " + line)
    print()
    print("%-12s %8s %8s %8s %8s  %s" % ("port", A["label"], B["label"], "only-A", "only-B", "order"))
    for p, v in r["ports"].items():
        print("%-12s %8d %8d %8d %8d  %s" % (p, v["a"], v["b"], v["only_a"], v["only_b"], v["order"]))
    print()
    print("state: " + ", ".join("%s %s (%d/%d)" % (k, "equal" if v["equal"] else "DIFFERS", v["a"], v["b"])
                                for k, v in r["state"].items()))
    fd = r["first_difference"]
    if fd:
        print()
        if fd["kind"] == "state":
            print("first difference: kernel state, table %s" % fd["table"])
            for e in fd["only_a"][:10]:
                print("  only in A: %s" % e)
            for e in fd["only_b"][:10]:
                print("  only in B: %s" % e)
        else:
            if fd["kind"] == "frame":
                run = {"a": "A (%s)" % A["label"], "b": "B (%s)" % B["label"]}
                print("first difference: port %s: a frame that left the DUT in run %s is missing in run %s"
                      % (fd["port"], run[fd["present_in"]], run[fd["missing_in"]]))
                print("  captured as frame #%d of that port, after %d injected frames; %d bytes"
                      % (fd["index"], fd["after_injected"], fd["frame_len"]))
            else:
                print("first difference: port %s: order differs within one flow (position %d): "
                      "frame #%d of run A, run B has instead:" % (fd["port"], fd["flow_position"], fd["index"]))
            for inj in fd["frame_injected_as"]:
                print("  injected at %s as frame #%d (%s: %s)%s"
                      % (inj["port"], inj["index"], inj["step"], inj["line"],
                         "; routed: same L3 content, new L2 header/TTL" if inj["match"] == "l3" else ""))
            if not fd["frame_injected_as"]:
                print("  not an injected frame: the DUT generated it")
            print(clip(fd["frame_hexdump"]))
            print(fd["frame_decode"])
            if fd["kind"] == "order":
                print("  run B frame at that flow position:")
                print(clip(fd["frame_b_hexdump"]))
    if r["pcaps"]:
        print()
        print("pcaps: " + " ".join(r["pcaps"]))
    print()
    print("RESULT: %s" % r["result"])


if __name__ == "__main__":
    sys.exit(main())
