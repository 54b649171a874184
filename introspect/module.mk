# introspect/: netlink model of the configuration and the service graph.
LIB_SRCS += introspect/set.c introspect/model.c introspect/parse.c \
            introspect/dump.c introspect/sysctl.c introspect/tc.c \
            introspect/netfilter.c introspect/watch.c
