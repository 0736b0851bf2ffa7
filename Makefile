# GAS: Genomics Annotation Service in C.
#   make            build bin/gasd and bin/gas (installs missing Debian packages first)
#   make check      every test (unit, backend conformance, system), ends with "N passed, N failed"
#   make demo       run GAS end to end on the embedded backend
#   make asan|tsan  build with Address/UndefinedBehavior or Thread sanitizer and run the tests
#   make valgrind   run the tests under valgrind's memcheck
#   make format     apply .clang-format;  make install PREFIX=/usr/local DESTDIR=
# Variants build into build/<variant>/; the release binaries are also linked into bin/.

.DEFAULT_GOAL := all
VARIANT ?= release
O       := build/$(VARIANT)
CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
PKGS    := sqlite3 libcjson libcurl openssl ncursesw htslib libxml-2.0 libpq
WERROR  ?= -Werror
V       ?= 0
Q       := $(if $(filter 1,$(V)),,@)

CFLAGS_BASE := -std=c17 -D_GNU_SOURCE -Iinclude -Wall -Wextra -Wshadow -Wformat=2 \
	-Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter -Wno-format-truncation $(WERROR) -pthread -MMD -MP
ifeq ($(VARIANT),release)
  OPT := -O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2
else ifeq ($(VARIANT),asan)
  OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
else ifeq ($(VARIANT),tsan)
  OPT := -O1 -g -fsanitize=thread
else ifeq ($(VARIANT),debug)
  OPT := -O0 -g
else
  $(error unknown VARIANT '$(VARIANT)': release, debug, asan or tsan)
endif

# Library flags come from pkg-config, cached in $(O)/pkg.mk once the packages are there.
NODEPS_GOALS := clean format
ifeq ($(filter-out $(NODEPS_GOALS),$(MAKECMDGOALS)$(if $(MAKECMDGOALS),,all)),)
else
-include $(O)/pkg.mk
endif
$(O)/pkg.mk: scripts/install-deps.sh
	@mkdir -p $(O)
	@scripts/install-deps.sh --build
	@echo "PKG_CFLAGS := $$(pkg-config --cflags $(PKGS))" > $@.tmp
	@echo "PKG_LIBS := $$(pkg-config --libs $(PKGS)) -lm" >> $@.tmp
	@mv $@.tmp $@

CFLAGS  := $(CFLAGS_BASE) $(OPT) $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS := -pthread $(filter -fsanitize=%,$(OPT)) $(EXTRA_LDFLAGS)
LIBS     = $(PKG_LIBS)

COMMON_SRC := $(wildcard common/*.c common/*/*.c)
WORKER_SRC := $(wildcard worker/*.c)
TUI_SRC    := $(wildcard tui/*.c)
HARNESS    := tests/harness.c
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
CONF_SRC   := $(wildcard tests/conformance/*.c)

obj = $(patsubst %.c,$(O)/obj/%.o,$(1))
LIBGAS  := $(O)/libgas.a
GASD    := $(O)/bin/gasd
GAS     := $(O)/bin/gas
UNIT_BINS := $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNIT_SRC))
CONF_BIN  := $(O)/tests/conformance
TEST_BINS := $(UNIT_BINS) $(CONF_BIN)

SOURCES := build/sources/sources.conf

.PHONY: FORCE all check unit demo deps-test asan tsan valgrind format install clean tests sources bench-annotate bench-pipeline bench-console
all: $(GASD) $(GAS) $(SOURCES)

# Default annotation sources per build (build/sources/GRCh37, GRCh38), from data that Debian
# packages ship; the script is run every time: it rebuilds only when the packages' versions
# (build/sources/VERSIONS) differ from apt's, otherwise it returns at once.
sources: $(SOURCES)
$(SOURCES): scripts/build-sources.sh FORCE | $(O)/pkg.mk
	@scripts/build-sources.sh build/sources
FORCE:
ifeq ($(VARIANT),release)
all: bin/gasd bin/gas
bin/%: $(O)/bin/%
	@mkdir -p bin
	ln -sf ../$< $@
endif

$(O)/obj/%.o: %.c | $(O)/pkg.mk
	@mkdir -p $(dir $@)
	$(if $(Q),@echo '  CC      $<')
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(LIBGAS): $(call obj,$(COMMON_SRC))
	@rm -f $@
	ar rcs $@ $^

$(GASD): $(call obj,$(WORKER_SRC)) $(LIBGAS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(GAS): $(call obj,$(TUI_SRC)) $(LIBGAS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(O)/tests/test_%: $(call obj,tests/unit/test_%.c $(HARNESS)) $(LIBGAS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(CONF_BIN): $(call obj,$(CONF_SRC) $(HARNESS)) $(LIBGAS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# the test tools (tmux, valgrind, PostgreSQL, bedtools, ...) on top of what building needs
tests: deps-test all $(TEST_BINS)
deps-test:
	@scripts/install-deps.sh

# Every test; the runner ends with "N passed, N failed".
check: tests
	@GAS_BUILD=$(O) GAS_FUZZ_SECONDS=$(GAS_FUZZ_SECONDS) tests/run.sh

demo: all
	@scripts/demo.sh

# Annotation speed and agreement against bcftools and vcfanno (needs ../shared/bench).
bench-annotate: all
	@scripts/bench-annotate.sh

# The console with 100,000 jobs: collect and draw time, memory, bytes per idle refresh.
bench-console: all
	@scripts/bench-console.sh

# Jobs/s and latency of the annotate pipeline with 1 and 2 gasd (BENCH_JOBS, default 1000).
bench-pipeline: all
	@scripts/bench-pipeline.sh

FUZZ_SECONDS ?= 30
asan:
	$(MAKE) VARIANT=asan GAS_FUZZ_SECONDS=$(FUZZ_SECONDS) check
tsan:
	$(MAKE) VARIANT=tsan check
valgrind: tests
	@GAS_BUILD=$(O) GAS_VALGRIND=1 tests/run.sh

format:
	clang-format -i $(wildcard include/gas/*.h common/*.[ch] common/*/*.[ch] worker/*.[ch] \
		tui/*.[ch] tests/*.[ch] tests/*/*.[ch])

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/doc/gas
	install -m 0755 $(GASD) $(GAS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/gas/
	install -d $(DESTDIR)$(PREFIX)/share/gas
	install -d $(DESTDIR)$(PREFIX)/share/gas/GRCh37 $(DESTDIR)$(PREFIX)/share/gas/GRCh38
	install -m 0644 build/sources/sources.conf build/sources/VERSIONS $(DESTDIR)$(PREFIX)/share/gas/
	install -m 0644 build/sources/GRCh37/* $(DESTDIR)$(PREFIX)/share/gas/GRCh37/
	install -m 0644 build/sources/GRCh38/* $(DESTDIR)$(PREFIX)/share/gas/GRCh38/
	install -d $(DESTDIR)$(PREFIX)/share/gas/NCBI36
	install -m 0644 build/sources/NCBI36/* $(DESTDIR)$(PREFIX)/share/gas/NCBI36/

clean:
	rm -rf build bin

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)
.SECONDARY:
