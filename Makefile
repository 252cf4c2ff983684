# readyaudit - build, test and install. Plain GNU make; `make help` lists the targets.

PREFIX  ?= /usr/local
DESTDIR ?=
DATADIR  = $(PREFIX)/share/readyaudit
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Wstrict-prototypes -Wshadow -Wformat=2
CPPFLAGS += -std=c11 -D_GNU_SOURCE -Isrc -I/usr/include/libxml2 -I/usr/include/harfbuzz \
            -I/usr/include/fribidi \
            -DRA_DATADIR='"$(DATADIR)"'
# libharu ships no pkg-config file on Debian: its libraries are named here.
# GnuTLS and SQLite are not linked: src/seal/tls.c loads GnuTLS when
# signing or checking a signature first needs it, src/pack/sqlite.c loads
# SQLite when a batch opens its pack index (libgnutls28-dev and
# libsqlite3-dev give their headers).
# At start-up each symbol a library binds is looked for in the libraries
# in the order the executable lists them, then theirs: libstdc++ (which
# the C++ libraries under HarfBuzz and libxml2 bind thousands of symbols
# to) and libc come first, so most are found in the first two instead of
# after a dozen (about 1.8M fewer instructions a run). libstdc++6 is a
# dependency of libharfbuzz0b: its run-time file is named, not the -dev
# package's link.
LDLIBS   = -Wl,--push-state,--no-as-needed -l:libstdc++.so.6 -lc -Wl,--pop-state \
           -lhpdf -lpng -lz -lxml2 -ljansson -lnettle -lharfbuzz-subset -lharfbuzz \
           -lfribidi -lunibreak -lhyphen -lm

# Streams are compressed with libdeflate (faster than zlib for the same
# size); LIBDEFLATE=0 builds with zlib alone.
LIBDEFLATE ?= 1
ifeq ($(LIBDEFLATE),1)
CPPFLAGS += -DRA_HAVE_LIBDEFLATE
LDLIBS   += -ldeflate
endif

ifeq ($(CI),true)
WARN += -Werror
endif

ifeq ($(V),1)
Q =
else
Q = @
endif

# Debian packages: the build, then what the tests, the sanitizer and fuzzing
# builds, make lint (clang-format) and the PDF/A validator (Apache PDFBox
# Preflight), the signing tests (a test PKI with certtool, a SoftHSM2 token,
# poppler's NSS signer) and text in every script need.
DEB_PACKAGES = build-essential libhpdf-dev libpng-dev zlib1g-dev libxml2-dev nettle-dev \
               libjansson-dev fonts-dejavu-core fonts-dejavu-extra \
               libgnutls28-dev gnutls-bin softhsm2 p11-kit libnss3-tools \
               libharfbuzz-dev libharfbuzz-bin libfribidi-dev libunibreak-dev \
               libhyphen-dev hyphen-en-us hyphen-de \
               fonts-noto-core fonts-noto-cjk fonts-symbola mupdf-tools \
               libsqlite3-dev sqlite3 strace libdeflate-dev \
               libcmocka-dev libxml2-utils poppler-utils qpdf python3 locales \
               clang libclang-rt-14-dev clang-format valgrind \
               default-jre-headless libpdfbox2-java libfontbox2-java \
               libcommons-logging-java libactivation-java libjaxb-api-java

# Sources by stage (README "Layout of the repository"): every .c file of a
# stage folder is part of the library; src/cli/ is the command line over it.
LIB_DIRS = base model score layout pdf report seal pack format pipeline
LIB_SRC  = $(sort $(wildcard $(LIB_DIRS:%=src/%/*.c)))
CLI_SRC  = $(sort $(wildcard src/cli/*.c))
HEADERS  = $(wildcard src/*/*.h)
# Objects go to $(BUILD); the sanitizer and fuzzing builds use their own.
BUILD   ?= build
BIN     ?= readyaudit
LIB_OBJ = $(LIB_SRC:src/%.c=$(BUILD)/%.o)
CLI_OBJ = $(CLI_SRC:src/%.c=$(BUILD)/%.o)

# One cmocka program per tests/unit/test_*.c.
UNIT_NAMES = $(sort $(basename $(notdir $(wildcard tests/unit/test_*.c))))
UNIT_TESTS = $(UNIT_NAMES:%=$(BUILD)/%)

.PHONY: all deps demo check lint install uninstall clean help asan valgrind fuzz bench
all: $(BIN)

help:
	@echo "make            build ./readyaudit"
	@echo "make deps       install missing Debian packages (as root) or print the apt-get line"
	@echo "make demo       build and run every sample through readyaudit into out/"
	@echo "make check      lint, build and run every test; ends with 'N passed, N failed, N skipped'"
	@echo "make lint       check formatting (clang-format) and which stage includes which library"
	@echo "make install    install into \$$(DESTDIR)\$$(PREFIX) (default /usr/local)"
	@echo "make clean      remove build outputs"

$(BUILD)/%.o: src/%.c $(HEADERS)
	@$(if $(Q),echo "  CC      $<")
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c $< -o $@

$(BUILD)/libreadyaudit.a: $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(BUILD)/libreadyaudit.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@.tmp $^ $(LDLIBS) && mv $@.tmp $@

# Test programs depend on the headers too: a changed struct must rebuild them.
TEST_DEPS = $(BUILD)/libreadyaudit.a $(HEADERS) $(wildcard tests/unit/*.h)
LINK_INPUTS = $(filter %.c %.a,$^)

$(BUILD)/test_%: tests/unit/test_%.c $(TEST_DEPS)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $(LINK_INPUTS) $(LDLIBS) -lcmocka

$(BUILD)/layout_demo: tests/unit/layout_demo.c $(TEST_DEPS)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $(LINK_INPUTS) $(LDLIBS)

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(TEST_DEPS)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -fsanitize=fuzzer $(LDFLAGS) -o $@ $(LINK_INPUTS) $(LDLIBS)

# Installs what is missing from DEB_PACKAGES when root; otherwise says how.
# Then the comma-decimal locale the tests run the scorer under (de_DE.UTF-8).
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ]; then \
	  echo "installing:" $$missing; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	elif [ -n "$$missing" ]; then \
	  echo "missing Debian packages; run:"; \
	  echo "  sudo apt-get install -y $$missing"; exit 1; \
	fi; \
	if ! locale -a 2>/dev/null | grep -qix 'de_DE.utf-\?8'; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing the de_DE.UTF-8 locale"; localedef -i de_DE -f UTF-8 de_DE.UTF-8 || exit 1; \
	  else \
	    echo "note: no de_DE.UTF-8 locale, so its tests are skipped; run: sudo localedef -i de_DE -f UTF-8 de_DE.UTF-8"; \
	  fi; \
	fi

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)mkdir -p out
	$(Q)./readyaudit validate samples/*.xml
	$(Q)for f in samples/*.xml; do \
	  b=$$(basename $$f .xml); \
	  ./readyaudit score $$f > out/$$b.txt && \
	  ./readyaudit score --format json $$f > out/$$b.json && \
	  ./readyaudit report -q $$f -o out/$$b.pdf || exit 1; \
	  printf '  out/%-34s %s\n' "$$b.pdf" "$$(sed -n 's/^  Verdict *//p' out/$$b.txt)"; \
	done
	$(Q)./readyaudit batch -q samples -o out/pack --force --manifest out/pack/manifest.csv \
	  --summary out/pack/portfolio.pdf
	@echo "  out/pack/: the samples as an audit pack, with manifest.csv and portfolio.pdf"

check: deps
	$(Q)$(MAKE) --no-print-directory lint all $(UNIT_TESTS)
	$(Q)tests/run.sh $(UNIT_TESTS)

# Formatting and include boundaries (tests/lint.sh says which); make check runs it.
lint:
	$(Q)tests/lint.sh

# The whole test suite with AddressSanitizer and UndefinedBehaviorSanitizer.
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
asan: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build/asan BIN=build/asan/readyaudit CC=clang \
	  CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" build/asan/readyaudit \
	  $(UNIT_NAMES:%=build/asan/%)
	$(Q)READYAUDIT=build/asan/readyaudit READYAUDIT_DATADIR=. \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  tests/run.sh $(UNIT_NAMES:%=build/asan/%)

# Every sample through every command under memcheck: no error, no leak.
valgrind: all
	$(Q)tests/cli/valgrind.sh ./$(BIN)

# libFuzzer targets, each run for FUZZ_SECONDS on a corpus seeded from the
# samples, the fixtures and the malformed corpus.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
fuzz: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang CFLAGS="-O1 -g $(FUZZ_FLAGS)" \
	  LDFLAGS="-fsanitize=address,undefined" build/fuzz/fuzz_record build/fuzz/fuzz_report
	$(Q)for t in record report; do \
	  mkdir -p build/fuzz/corpus-$$t && \
	  cp samples/*.xml tests/fixtures/*.xml tests/malformed/*.xml build/fuzz/corpus-$$t/ && \
	  build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build/fuzz/crash-$$t- \
	    -dict=tests/fuzz/fuzz.dict build/fuzz/corpus-$$t 2>&1 | tail -12 || exit 1; \
	done

# Speed and memory, printed as a table (see tests/bench/bench.py).
bench: all
	$(Q)python3 tests/bench/bench.py ./$(BIN)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)/schemas $(DESTDIR)$(DATADIR)/templates \
	  $(DESTDIR)$(DATADIR)/fonts $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 readyaudit $(DESTDIR)$(PREFIX)/bin/readyaudit
	install -m 644 schemas/*.xsd $(DESTDIR)$(DATADIR)/schemas/
	install -m 644 templates/*.xml templates/*.png $(DESTDIR)$(DATADIR)/templates/
	install -m 644 fonts/chain.txt fonts/hyphen.txt $(DESTDIR)$(DATADIR)/fonts/
	install -m 644 src/cli/readyaudit.1 $(DESTDIR)$(PREFIX)/share/man/man1/readyaudit.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/readyaudit $(DESTDIR)$(PREFIX)/share/man/man1/readyaudit.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build out readyaudit readyaudit.tmp
