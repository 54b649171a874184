# common/: small pieces every library shares (netlink with extended ack).
LIB_SRCS += common/nl.c common/netns.c common/text.c common/cli.c common/log.c
