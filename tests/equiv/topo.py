"""Topology recipes: parse a recipe file and build it in fresh namespaces.

Recipe format (one command per line, `#` starts a comment, `\\` continues):

    host NAME...                 declare hosts (one namespace each)
    link HOST DUTPORT [if=eth0] [mtu=N] [host-mtu=N]
                                 veth HOST:if <-> dut:DUTPORT, created inside
                                 the namespaces, both ends up, deterministic
                                 MACs, GRO on at the host end
    dut CMD...                   shell command run in the DUT namespace
    in HOST CMD...               shell command run in HOST's namespace
    mask NAME...                 named masks this topology always needs
                                 (e.g. dut-mcast-report for a bridge)

Everything runs in order.  Before the first line every namespace gets
`lo up` and IPv6 disabled (all/default), so no host or DUT stack chatters
(ND, DAD, MLD, RS); a recipe that needs IPv6 turns it back on with a
`dut sysctl -w net.ipv6.conf.X.disable_ipv6=0` line.
"""
import json
import os
import subprocess
import time


class RecipeError(Exception):
    pass


class Recipe:
    def __init__(self, path):
        self.path = path
        self.hosts = []
        self.links = []          # dicts: host, hostif, port, mtu, host_mtu, idx
        self.lines = []          # (lineno, kind, payload)
        self.masks = []
        self._parse()

    def _parse(self):
        try:
            text = open(self.path).read()
        except OSError as e:
            raise RecipeError("%s: %s" % (self.path, e.strerror))
        text = text.replace("\\\n", " ")
        for no, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            word, _, rest = line.partition(" ")
            rest = rest.strip()
            where = "%s:%d" % (self.path, no)
            if word == "host":
                for h in rest.split():
                    if h in self.hosts or h == "dut" or not h.replace("-", "").isalnum():
                        raise RecipeError("%s: bad or duplicate host name '%s'" % (where, h))
                    self.hosts.append(h)
            elif word == "link":
                a = rest.split()
                if len(a) < 2 or a[0] not in self.hosts:
                    raise RecipeError("%s: want 'link HOST DUTPORT [if=eth0] [mtu=N] [host-mtu=N]' "
                                      "with a declared host" % where)
                lk = {"host": a[0], "port": a[1], "hostif": "eth0", "mtu": None,
                      "host_mtu": 2000, "idx": len(self.links) + 1}
                for opt in a[2:]:
                    k, _, v = opt.partition("=")
                    if k == "if":
                        lk["hostif"] = v
                    elif k in ("mtu", "host-mtu") and v.isdigit():
                        lk["mtu" if k == "mtu" else "host_mtu"] = int(v)
                    else:
                        raise RecipeError("%s: unknown link option '%s'" % (where, opt))
                if any(l["port"] == lk["port"] for l in self.links) or \
                        any((l["host"], l["hostif"]) == (lk["host"], lk["hostif"]) for l in self.links):
                    raise RecipeError("%s: duplicate link end" % where)
                self.links.append(lk)
                self.lines.append((where, "link", lk))
            elif word == "dut":
                self.lines.append((where, "dut", rest))
            elif word == "mask":
                self.masks += rest.split()
            elif word == "in":
                h, _, cmd = rest.partition(" ")
                if h not in self.hosts:
                    raise RecipeError("%s: 'in %s': no such host" % (where, h))
                self.lines.append((where, "in:" + h, cmd))
            else:
                raise RecipeError("%s: unknown recipe command '%s'" % (where, word))
        if not self.links:
            raise RecipeError("%s: no 'link' line" % self.path)

    def port_names(self):
        """Capture/inject port names: the host name when it has one link, else host:if."""
        count = {}
        for l in self.links:
            count[l["host"]] = count.get(l["host"], 0) + 1
        return {(l["host"] if count[l["host"]] == 1 else "%s:%s" % (l["host"], l["hostif"])): l
                for l in self.links}


def host_mac(idx):
    return "02:10:00:00:00:%02x" % idx


def dut_mac(idx):
    return "02:20:00:00:00:%02x" % idx


class Topology:
    """One instance of a recipe: namespaces PREFIX-dut and PREFIX-<host>."""

    def __init__(self, recipe, prefix, log):
        self.r = recipe
        self.prefix = prefix
        self.log = log
        self.ns = {"dut": prefix + "-dut"}
        for h in recipe.hosts:
            self.ns[h] = prefix + "-" + h
        self.created = []

    def sh(self, where, cmd, what=None, check=True):
        p = subprocess.run(["ip", "netns", "exec", self.ns[where], "sh", "-c", cmd],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.log("[%s] %s%s" % (where, cmd, "" if p.returncode == 0 else "  -> exit %d" % p.returncode))
        if check and p.returncode != 0:
            err = (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1]
            raise RecipeError("%s: %s: %s" % (what or where, cmd, err))
        return p.stdout

    def build(self):
        for name in self.ns.values():
            subprocess.run(["ip", "netns", "add", name], check=True)
            self.created.append(name)
            for cmd in ("ip link set lo up",
                        "sysctl -qw net.ipv6.conf.all.disable_ipv6=1",
                        "sysctl -qw net.ipv6.conf.default.disable_ipv6=1"):
                subprocess.run(["ip", "netns", "exec", name, "sh", "-c", cmd], check=True,
                               stdout=subprocess.DEVNULL)
        for where, kind, what in self.r.lines:
            if kind == "link":
                self._link(where, what)
            elif kind == "dut":
                self.sh("dut", what, where)
            else:
                self.sh(kind[3:], what, where)

    def wait_stable(self, timeout=10.0):
        """Wait until every interface that is up with carrier also shows
        operstate UP (linkwatch applies carrier changes up to 1 s late, and a
        bridge is DOWN until a port forwards).  Returns the laggards, if any."""
        end = time.monotonic() + timeout
        while True:
            lag = []
            for where in self.ns:
                for l in json.loads(self.sh(where, "ip -j link show") or "[]"):
                    fl = l.get("flags", [])
                    if "UP" in fl and "LOWER_UP" in fl and l.get("operstate") not in ("UP", "UNKNOWN"):
                        lag.append("%s:%s" % (where, l["ifname"]))
            if not lag or time.monotonic() > end:
                return lag
            time.sleep(0.1)

    def _link(self, where, lk):
        h, d = self.ns[lk["host"]], self.ns["dut"]
        cmd = ["ip", "-n", h, "link", "add", lk["hostif"], "address", host_mac(lk["idx"]),
               "mtu", str(lk["host_mtu"]), "type", "veth", "peer", "name", lk["port"],
               "address", dut_mac(lk["idx"]), "netns", d]
        p = subprocess.run(cmd, stderr=subprocess.PIPE, text=True)
        if p.returncode:
            raise RecipeError("%s: %s" % (where, p.stderr.strip()))
        if lk["mtu"]:
            self.sh("dut", "ip link set %s mtu %d" % (lk["port"], lk["mtu"]), where)
        self.sh("dut", "ip link set %s up" % lk["port"], where)
        # GRO on the host end: a frame XDP-redirected into the DUT port is only
        # received by its peer when the peer has XDP or GRO.  Both runs get it.
        self.sh(lk["host"], "ip link set %s up && ethtool -K %s gro on" % (lk["hostif"], lk["hostif"]), where)

    def destroy(self):
        for name in reversed(self.created):
            subprocess.run(["ip", "netns", "del", name], stderr=subprocess.DEVNULL)
        self.created = []

    def dut_links(self):
        return json.loads(self.sh("dut", "ip -j -d link show") or "[]")

    def macs(self):
        """ifname -> MAC of every DUT interface, and the bridges' MACs."""
        links = self.dut_links()
        macs = {l["ifname"]: l.get("address") for l in links if l.get("link_type") == "ether"}
        bridges = [l["address"] for l in links
                   if l.get("linkinfo", {}).get("info_kind") == "bridge"]
        return macs, bridges

    def host_l3(self):
        """port -> (IPv4 address, gateway) of its host end, for routed traffic;
        (None, None) when the recipe gives the host no address."""
        out = {}
        for p, l in self.r.port_names().items():
            ip = gw = None
            for a in json.loads(self.sh(l["host"], "ip -j -4 addr show dev %s" % l["hostif"]) or "[]"):
                for ai in a.get("addr_info", []):
                    if ai.get("family") == "inet" and ip is None:
                        ip = ai["local"]
            for rt in json.loads(self.sh(l["host"], "ip -j -4 route show default") or "[]"):
                gw = gw or rt.get("gateway")
            out[p] = (ip, gw)
        return out

    def state(self):
        """Kernel state of the DUT, normalised (no timers), per table."""
        def j(cmd):
            out = self.sh("dut", cmd, check=False)
            try:
                return json.loads(out) if out.strip() else []
            except ValueError:
                return []
        st = {}
        st["fdb"] = [{k: e.get(k) for k in ("mac", "ifname", "vlan", "flags", "master", "state") if k in e}
                     for e in j("bridge -j fdb show")]
        mdb = []
        for b in j("bridge -j mdb show"):
            for e in b.get("mdb", []):
                mdb.append({k: e.get(k) for k in ("dev", "port", "grp", "src", "state", "flags", "vid") if k in e})
        st["mdb"] = mdb
        st["neigh"] = [{k: e.get(k) for k in ("dst", "dev", "lladdr", "state", "router") if k in e}
                       for e in j("ip -j neigh show")]
        routes = []
        for fam in ("-4", "-6"):
            for e in j("ip -j %s route show table all" % fam):
                routes.append({k: v for k, v in e.items() if k not in ("expires", "cache")})
        for e in j("ip -j -4 route show cache"):
            routes.append(dict({k: v for k, v in e.items() if k not in ("expires",)}, cached=True))
        st["route"] = routes
        st["link"] = [{"ifname": l["ifname"], "operstate": l.get("operstate"), "master": l.get("master"),
                       "address": l.get("address"), "mtu": l.get("mtu")} for l in self.dut_links()]
        st.update(self.netfilter_state(j))
        return st

    def netfilter_state(self, j):
        """Conntrack entries (without their timer and reference count) and
        the counters of nftables rules: a fast path must leave both as
        Linux would.  Empty where conntrack or nft are not in use."""
        ct = []
        for line in self.sh("dut", "conntrack -L 2>/dev/null", check=False).splitlines():
            w = line.split()
            if len(w) > 3 and w[1].isdigit() and w[2].isdigit():
                ct.append({"entry": " ".join([w[0]] + [x for x in w[3:] if not x.startswith("use=")])})
        counters = []
        nft = j("nft -j list ruleset")
        for o in nft.get("nftables", []) if isinstance(nft, dict) else []:
            r = o.get("rule")
            for e in (r or {}).get("expr", []):
                if isinstance(e, dict) and isinstance(e.get("counter"), dict):
                    counters.append({"rule": "%s %s %s %s" % (r["family"], r["table"], r["chain"],
                                                              r["handle"]),
                                     "packets": e["counter"].get("packets"),
                                     "bytes": e["counter"].get("bytes")})
        return {"conntrack": ct, "nft-counters": counters}

    def env(self):
        return dict(os.environ, EQUIV_DUT_NS=self.ns["dut"],
                    EQUIV_DUT_PORTS=" ".join(l["port"] for l in self.r.links),
                    EQUIV_HOST_NS=" ".join(self.ns[h] for h in self.r.hosts))
