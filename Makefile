# Build and install Modelwarden with its systemd unit.
#
#   make                          # swift build -c release --static-swift-stdlib
#   sudo make install             # PREFIX=/usr/local; DESTDIR=/tmp/stage for a staged install
#   sudo make uninstall           # keeps /etc/modelwarden and /var/lib/modelwarden
#
# Installed files (PREFIX=/usr/local):
#   $(PREFIX)/bin/modelwarden
#   $(PREFIX)/share/modelwarden/policies/          a readable copy of the built-in policy set (replaced on each install)
#   $(UNITDIR)/modelwarden.service                 ExecStart= points at $(PREFIX)/bin/modelwarden
#   /etc/modelwarden/modelwarden.yaml              only if absent; the policy set is built into the binary
# UNITDIR is $(PREFIX)/lib/systemd/system for PREFIX=/usr or /usr/local (both on systemd's search
# path), /etc/systemd/system for any other PREFIX.

PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
# The Swift runtime and Foundation linked in: the binary needs no Swift toolchain on the server.
SWIFT_BUILD_FLAGS ?= -c release --static-swift-stdlib
BINARY ?= .build/release/modelwarden
ifneq ($(filter /usr /usr/local,$(PREFIX)),)
UNITDIR ?= $(PREFIX)/lib/systemd/system
else
UNITDIR ?= /etc/systemd/system
endif
CONFDIR = /etc/modelwarden
POLICYDIR = $(PREFIX)/share/modelwarden/policies

.PHONY: all build install uninstall

all: build

build:
	$(SWIFT) build $(SWIFT_BUILD_FLAGS) --product modelwarden

# Does not build: run `make` first as yourself, then `sudo make install`.
install:
	@test -x "$(BINARY)" || { echo "error: $(BINARY) not found or not executable: run 'make' first (or pass BINARY=FILE)" >&2; exit 1; }
	@# Modes spelled out: a root umask of 077 must not hide the files from the service's user.
	install -d -m 0755 "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share" "$(DESTDIR)$(PREFIX)/share/modelwarden" \
	  "$(DESTDIR)$(UNITDIR)" "$(DESTDIR)$(CONFDIR)"
	install -m 0755 "$(BINARY)" "$(DESTDIR)$(PREFIX)/bin/modelwarden"
	sed 's|/usr/local/bin/modelwarden|$(PREFIX)/bin/modelwarden|g' systemd/modelwarden.service > "$(DESTDIR)$(UNITDIR)/modelwarden.service.tmp"
	chmod 0644 "$(DESTDIR)$(UNITDIR)/modelwarden.service.tmp"
	mv -f "$(DESTDIR)$(UNITDIR)/modelwarden.service.tmp" "$(DESTDIR)$(UNITDIR)/modelwarden.service"
	rm -rf "$(DESTDIR)$(POLICYDIR)"
	cd Policies && find . -type d -exec install -d -m 0755 "$(DESTDIR)$(POLICYDIR)/{}" \; && \
	  find . -type f -exec install -m 0644 {} "$(DESTDIR)$(POLICYDIR)/{}" \;
	@# 0644: the service's dynamic user must read it. It holds no secret (the token is a credential).
	@if [ -e "$(DESTDIR)$(CONFDIR)/modelwarden.yaml" ]; then \
	  echo "kept $(DESTDIR)$(CONFDIR)/modelwarden.yaml (the example is systemd/modelwarden.yaml)"; \
	else \
	  sed 's|/usr/local/share/modelwarden/policies|$(POLICYDIR)|g' systemd/modelwarden.yaml > "$(DESTDIR)$(CONFDIR)/modelwarden.yaml" && \
	  chmod 0644 "$(DESTDIR)$(CONFDIR)/modelwarden.yaml" && \
	  echo "wrote $(DESTDIR)$(CONFDIR)/modelwarden.yaml: set watch: to your manifest folders"; \
	fi

# Stop the service first: systemctl disable --now modelwarden
uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/modelwarden" "$(DESTDIR)$(UNITDIR)/modelwarden.service"
	rm -rf "$(DESTDIR)$(POLICYDIR)"
	-rmdir "$(DESTDIR)$(PREFIX)/share/modelwarden" 2>/dev/null
	@echo "kept $(DESTDIR)$(CONFDIR) and /var/lib/modelwarden (the history); remove them by hand if wanted"
