# docs/: the man pages, written in scdoc (docs/man/*.scd), built into
# $(BUILD)/man/ with the version of this build.
MAN_SRCS  := $(sort $(wildcard docs/man/*.scd))
MAN_PAGES := $(patsubst docs/man/%.scd,$(BUILD)/man/%,$(MAN_SRCS))
SCDOC     ?= scdoc
EXTRA_ALL += $(MAN_PAGES)

.PHONY: man
man: $(MAN_PAGES)

$(BUILD)/man/%: docs/man/%.scd VERSION
	$(call msg,MAN,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)sed 's/@VERSION@/$(VERSION)/g' $< | $(SCDOC) > $@.tmp && mv $@.tmp $@
