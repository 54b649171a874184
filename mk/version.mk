# One version string for every tool, the man pages and the Debian package:
# the VERSION file, plus the commit when building from a git checkout
# ("0.1.0 (git 1a2b3c4)").  $(BUILD)/version.h is rewritten only when the
# string changes, so an unchanged tree rebuilds nothing.
VERSION     := $(shell cat VERSION)
GIT_DESCRIBE := $(shell git describe --always --dirty --exclude '*' 2>/dev/null)
VERSION_FULL := $(VERSION)$(if $(GIT_DESCRIBE), (git $(GIT_DESCRIBE)))
VERSION_H   := $(BUILD)/version.h

.PHONY: FORCE
$(VERSION_H): FORCE
	@mkdir -p $(dir $@)
	@printf '#define TNA_VERSION "%s"\n#define TNA_VERSION_FULL "%s"\n' \
		'$(VERSION)' '$(VERSION_FULL)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
