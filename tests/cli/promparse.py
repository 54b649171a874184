#!/usr/bin/python3
"""Strict parser of the Prometheus text exposition format (0.0.4), for
tests: what node_exporter's textfile collector and promtool accept.

    promparse.py FILE      exit 0 and print a summary, or exit 1 with
                           "line N: what is wrong"
    import promparse; promparse.parse(text) -> {family: Family}

Checked: "# HELP name text" and "# TYPE name counter|gauge|..." once per
family, TYPE before the family's first sample, the samples of a family in
one group, metric and label names, label values quoted with only \\\\ \\"
\\n escapes, no duplicate label names or series, values that are floats
(NaN, +Inf, -Inf), optional integer timestamp, counters named *_total and
never negative, a final newline."""
import math
import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


class Error(Exception):
    pass


class Family:
    def __init__(self, name):
        self.name, self.help, self.type = name, None, None
        self.samples = {}          # frozenset(labels.items()) -> value


def _value(s, where):
    if s in ("NaN", "+Inf", "-Inf", "Inf"):
        return float(s.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", s):
        raise Error("%s: not a float: %r" % (where, s))
    return float(s)


def _labels(s, i, where):
    """s[i] is just after '{'; returns (dict, index after '}')."""
    labels = {}
    while True:
        if s[i:i + 1] == "}":
            return labels, i + 1
        m = LABEL.match(s, i)
        if not m:
            raise Error("%s: bad label name at %r" % (where, s[i:i + 20]))
        name = m.group(0)
        if name.startswith("__"):
            raise Error("%s: reserved label name %s" % (where, name))
        if name in labels:
            raise Error("%s: label %s twice" % (where, name))
        i = m.end()
        if s[i:i + 2] != '="':
            raise Error('%s: expected =" after %s' % (where, name))
        i += 2
        val = []
        while True:
            if i >= len(s):
                raise Error("%s: unterminated label value" % where)
            c = s[i]
            if c == "\\":
                nxt = s[i + 1:i + 2]
                if nxt not in ("\\", '"', "n"):
                    raise Error("%s: bad escape \\%s in a label value" % (where, nxt))
                val.append("\n" if nxt == "n" else nxt)
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == "\n":
                raise Error("%s: newline in a label value" % where)
            else:
                val.append(c)
                i += 1
        labels[name] = "".join(val)
        if s[i:i + 1] == ",":
            i += 1
        elif s[i:i + 1] != "}":
            raise Error("%s: expected , or } after label %s" % (where, name))


def parse(text):
    if text and not text.endswith("\n"):
        raise Error("no newline at the end")
    fams, order, closed = {}, [], set()
    current = None

    def family(name, where):
        base = name
        if name not in fams:
            # histogram/summary samples belong to their base family
            for suf in ("_bucket", "_sum", "_count"):
                if name.endswith(suf) and name[:-len(suf)] in fams and \
                        fams[name[:-len(suf)]].type in ("histogram", "summary"):
                    base = name[:-len(suf)]
        if base not in fams:
            fams[base] = Family(base)
            order.append(base)
        return fams[base]

    for n, line in enumerate(text.split("\n")[:-1] if text else [], 1):
        where = "line %d" % n
        if not line.strip():
            continue
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                name = parts[2]
                if not NAME.fullmatch(name):
                    raise Error("%s: bad metric name %r" % (where, name))
                if name in closed:
                    raise Error("%s: %s of %s after its samples ended" % (where, parts[1], name))
                f = family(name, where)
                if current is not None and current is not f:
                    closed.add(current.name)
                current = f
                if parts[1] == "HELP":
                    if f.help is not None:
                        raise Error("%s: second HELP for %s" % (where, name))
                    doc = parts[3] if len(parts) > 3 else ""
                    if re.search(r"\\[^\\n]", doc.replace("\\\\", "")):
                        raise Error("%s: bad escape in HELP" % where)
                    f.help = doc
                else:
                    if f.type is not None:
                        raise Error("%s: second TYPE for %s" % (where, name))
                    if f.samples:
                        raise Error("%s: TYPE of %s after its samples" % (where, name))
                    t = parts[3] if len(parts) > 3 else ""
                    if t not in TYPES:
                        raise Error("%s: bad type %r" % (where, t))
                    f.type = t
            continue
        m = NAME.match(line)
        if not m:
            raise Error("%s: bad metric name in %r" % (where, line[:40]))
        name, i = m.group(0), m.end()
        labels = {}
        if line[i:i + 1] == "{":
            labels, i = _labels(line, i + 1, where)
        rest = line[i:]
        if not rest.startswith(" "):
            raise Error("%s: expected a space before the value" % where)
        fields = rest.split()
        if len(fields) not in (1, 2):
            raise Error("%s: expected VALUE [TIMESTAMP], got %r" % (where, rest))
        v = _value(fields[0], where)
        if len(fields) == 2 and not re.fullmatch(r"-?\d+", fields[1]):
            raise Error("%s: bad timestamp %r" % (where, fields[1]))
        f = family(name, where)
        if f.name in closed:
            raise Error("%s: samples of %s not in one group" % (where, f.name))
        if current is not None and current is not f:
            closed.add(current.name)
        current = f
        key = (name, frozenset(labels.items()))
        if key in f.samples:
            raise Error("%s: duplicate series %s%s" % (where, name, labels))
        if f.type == "counter":
            if not name.endswith("_total"):
                raise Error("%s: counter %s does not end in _total" % (where, name))
            if v < 0 or math.isnan(v):
                raise Error("%s: counter %s is %s" % (where, name, fields[0]))
        f.samples[key] = v
    for f in fams.values():
        if f.type is None:
            raise Error("%s has no TYPE line" % f.name)
        if f.help is None:
            raise Error("%s has no HELP line" % f.name)
    return fams


def main():
    try:
        fams = parse(open(sys.argv[1]).read())
    except Error as e:
        print("promparse: %s: %s" % (sys.argv[1], e), file=sys.stderr)
        return 1
    n = sum(len(f.samples) for f in fams.values())
    print("ok: %d families, %d samples" % (len(fams), n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
