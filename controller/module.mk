# controller/: the run-time half of tna-deploy: FDB mirror and keep-alive,
# the single-controller lock and the event loop.
LIB_SRCS += controller/fdb_keepalive.c controller/fdb_mirror.c controller/lock.c controller/ctl.c \
	controller/debounce.c controller/nic_sync.c controller/status.c controller/restrict.c \
	controller/recheck.c controller/port_cfg.c controller/event_delay.c controller/keyset.c controller/events.c controller/loop.c \
	controller/port_watch.c controller/heartbeat.c controller/own_xdp.c controller/sync.c \
	controller/fdb_mode.c controller/stage_plan.c controller/spares.c controller/reprobe.c \
	controller/xmit_watch.c controller/xmit_follow.c controller/peer_watch.c
PROGS += tna-deploy
tna-deploy_SRCS := tools/tna-deploy.c tools/deploy_status.c tools/deploy_hooks.c
# VLAN tables of bridges with VLAN filtering
LIB_SRCS += controller/vlan_sync.c controller/vlan_ctl.c
# The router
LIB_SRCS += controller/router_apply.c controller/router_deploy.c controller/router_swap.c \
	controller/router_move.c
# The compiled netfilter rules of a pipeline, kept equal to the kernel's.
LIB_SRCS += controller/filter_follow.c controller/router_filter.c
