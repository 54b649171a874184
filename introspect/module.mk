# introspect/: netlink model of the configuration and the service graph.
LIB_SRCS += introspect/set.c introspect/model.c introspect/parse.c \
            introspect/dump.c introspect/sysctl.c introspect/tc.c \
            introspect/netfilter.c introspect/watch.c introspect/poll.c introspect/xfrm.c introspect/json.c \
            introspect/graph.c introspect/rules.c introspect/describe.c introspect/graph_hooks.c

# The tool the lead folds into tna-probe (--graph); standalone until then.
PROGS += tna-introspect
tna-introspect_SRCS := tools/tna-introspect.c
EXTRA_HELP += 'make graph-png   render a sample topology'"'"'s service graph to build/graph.png'

# make graph-png: a sample topology's service graph rendered with graphviz.
.PHONY: graph-png
graph-png: $(BUILD)/bin/tna-introspect
	@BUILD=$(BUILD) introspect/graph-sample.sh $(BUILD)/graph.png

# The nftables ruleset with its structure (libnftnl: the kernel's own rules).
LIB_SRCS += introspect/nft_read.c introspect/nft_parse.c introspect/nft_expr.c
LDLIBS += -lnftnl
