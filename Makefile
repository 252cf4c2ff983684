# readyaudit - build, test and install. Plain GNU make; `make help` lists the targets.

PREFIX  ?= /usr/local
DESTDIR ?=
DATADIR  = $(PREFIX)/share/readyaudit
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Wstrict-prototypes -Wshadow -Wformat=2
CPPFLAGS += -std=c11 -D_GNU_SOURCE -Isrc -I/usr/include/libxml2 \
            -DRA_DATADIR='"$(DATADIR)"'
# libharu ships no pkg-config file on Debian: its libraries are named here.
LDLIBS   = -lhpdf -lpng -lz -lxml2 -ljansson -lcrypto -lm

ifeq ($(CI),true)
WARN += -Werror
endif

ifeq ($(V),1)
Q =
else
Q = @
endif

# Debian packages the build, the tests and the demo need.
DEB_PACKAGES = build-essential libhpdf-dev libpng-dev zlib1g-dev libxml2-dev libxml2-utils \
               libssl-dev libjansson-dev libcmocka-dev poppler-utils qpdf \
               fonts-dejavu-core fonts-dejavu-extra icc-profiles-free

LIB_SRC = src/arena.c src/buf.c src/diag.c src/status.c src/hash.c src/model.c \
          src/load.c src/validate.c src/score.c src/format_text.c src/format_data.c \
          src/method.c src/seal.c src/text.c src/pdf.c src/layout.c src/report.c \
          src/report_front.c src/report_layers.c src/report_actions.c src/report_signoff.c \
          src/report_appendix.c src/verify.c src/manifest.c src/portfolio.c
CLI_SRC = src/main.c src/cli.c src/cmd_score.c src/cmd_report.c src/cmd_batch.c \
          src/cmd_verify.c
LIB_OBJ = $(LIB_SRC:src/%.c=build/%.o)
CLI_OBJ = $(CLI_SRC:src/%.c=build/%.o)

UNIT_TESTS = build/test_load build/test_score

.PHONY: all deps demo check unit e2e install uninstall clean help
all: readyaudit

help:
	@echo "make            build ./readyaudit"
	@echo "make deps       install missing Debian packages (as root) or print the apt-get line"
	@echo "make demo       build and run every sample through readyaudit into out/"
	@echo "make check      build and run every test; ends with 'N passed, N failed'"
	@echo "make install    install into \$$(DESTDIR)\$$(PREFIX) (default /usr/local)"
	@echo "make clean      remove build outputs"

build/%.o: src/%.c $(wildcard src/*.h) | build
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c $< -o $@

build:
	$(Q)mkdir -p build

build/libreadyaudit.a: $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

readyaudit: $(CLI_OBJ) build/libreadyaudit.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

build/test_%: tests/test_%.c build/libreadyaudit.a
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $^ $(LDLIBS) -lcmocka

# Installs what is missing from DEB_PACKAGES when root; otherwise says how.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	  done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "installing:" $$missing; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
	  echo "missing Debian packages; run:"; \
	  echo "  sudo apt-get install -y $$missing"; exit 1; \
	fi

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)mkdir -p out
	$(Q)./readyaudit validate samples/*.xml
	$(Q)for f in samples/*.xml; do \
	  b=$$(basename $$f .xml); \
	  ./readyaudit score $$f > out/$$b.txt || exit 1; \
	  ./readyaudit score --format json $$f > out/$$b.json || exit 1; \
	  echo "  out/$$b.txt  $$(sed -n 's/^  Verdict *//p' out/$$b.txt)"; \
	done

check: deps
	$(Q)$(MAKE) --no-print-directory all $(UNIT_TESTS)
	$(Q)tests/run.sh $(UNIT_TESTS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)/schemas $(DESTDIR)$(DATADIR)/templates \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 readyaudit $(DESTDIR)$(PREFIX)/bin/readyaudit
	install -m 644 schemas/*.xsd $(DESTDIR)$(DATADIR)/schemas/
	install -m 644 templates/*.xml $(DESTDIR)$(DATADIR)/templates/
	install -m 644 src/readyaudit.1 $(DESTDIR)$(PREFIX)/share/man/man1/readyaudit.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/readyaudit $(DESTDIR)$(PREFIX)/share/man/man1/readyaudit.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build out readyaudit
