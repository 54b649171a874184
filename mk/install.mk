# make install / uninstall / deb.  `make install DESTDIR=/tmp/root
# PREFIX=/usr` stages a tree (the Debian package is built from one).
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/tna
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc

# What an operator runs; the test and bench tools stay in $(BUILD)/bin.
INSTALL_PROGS := tna-deploy tna-stat tna-probe tna-introspect
INSTALL_DOCS  := README.md $(filter-out docs/man/%,$(wildcard docs/*.md))
UNITS         := tna-deploy.service tna-deploy@.service
INSTALL       ?= install

.PHONY: install uninstall deb
EXTRA_HELP += 'make install     tools, man pages, completion, systemd units, docs (PREFIX=/usr/local, DESTDIR=)'
EXTRA_HELP += 'make deb         the Debian package, in $(BUILD)/deb/ (debian/rules, no rebuild)'

$(BUILD)/dist/%: dist/%.in
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' \
		-e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' $< > $@.tmp && mv $@.tmp $@

# The units name the paths of this install: rebuilt for every install.
install: $(addprefix $(BUILD)/bin/,$(INSTALL_PROGS)) $(MAN_PAGES)
	$(Q)rm -f $(addprefix $(BUILD)/dist/,$(UNITS))
	$(Q)$(MAKE) --no-print-directory $(addprefix $(BUILD)/dist/,$(UNITS))
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(DOCDIR)/introspect \
		$(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/default
	$(Q)$(INSTALL) -m 755 $(addprefix $(BUILD)/bin/,$(INSTALL_PROGS)) $(DESTDIR)$(SBINDIR)/
	$(Q)$(INSTALL) -m 644 $(filter %.8,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man8/
	$(Q)$(INSTALL) -m 644 $(filter %.7,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man7/
	$(Q)$(INSTALL) -m 644 dist/tna.bash-completion $(DESTDIR)$(COMPLETIONDIR)/tna
	$(Q)for p in $(INSTALL_PROGS); do ln -sf tna $(DESTDIR)$(COMPLETIONDIR)/$$p; done
	$(Q)$(INSTALL) -m 644 $(addprefix $(BUILD)/dist/,$(UNITS)) $(DESTDIR)$(UNITDIR)/
	$(Q)test -e $(DESTDIR)$(SYSCONFDIR)/default/tna-deploy || \
		$(INSTALL) -m 644 dist/tna-deploy.default $(DESTDIR)$(SYSCONFDIR)/default/tna-deploy
	$(Q)$(INSTALL) -m 644 README.md $(DESTDIR)$(DOCDIR)/
	$(Q)$(INSTALL) -m 644 $(filter docs/%,$(INSTALL_DOCS)) $(DESTDIR)$(DOCDIR)/docs/
	$(Q)$(INSTALL) -m 644 introspect/graph-sample.png $(DESTDIR)$(DOCDIR)/introspect/

# Leaves /etc/default/tna-deploy (it may hold the operator's arguments).
uninstall:
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(INSTALL_PROGS)) \
	      $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(filter %.8,$(MAN_PAGES)))) \
	      $(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(filter %.7,$(MAN_PAGES)))) \
	      $(addprefix $(DESTDIR)$(COMPLETIONDIR)/,tna $(INSTALL_PROGS)) \
	      $(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS))
	rm -rf $(DESTDIR)$(DOCDIR)

# The package from this build (debian/rules; dpkg-buildpackage -b also works).
deb: $(addprefix $(BUILD)/bin/,$(INSTALL_PROGS)) $(MAN_PAGES)
	$(Q)BUILD=$(BUILD) debian/rules binary
