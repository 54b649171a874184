# Tools and flags.  `make V=1` shows the full commands.
CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= bpftool
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)

CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
            -I. -I$(BUILD) -MMD -MP -D_GNU_SOURCE
LDLIBS   += -lbpf -lmnl -lpci -ljson-c -lelf -lz -lpthread

BPF_CFLAGS ?= -O2 -g -Wall -Werror -target bpf -D__TARGET_ARCH_x86 \
              -I. -I$(BUILD) -I/usr/include/$(MULTIARCH)

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif
