# capabilities/: the capabilities manager (probes only, no side effects).
LIB_SRCS += capabilities/target.c capabilities/parse.c capabilities/sysfs.c \
            capabilities/sys.c capabilities/probe.c capabilities/verdict.c \
            capabilities/json.c
