# Makefile -- activ: build, test and run (one non-recursive GNU Makefile)
#
#   make                 build build/activd (server) and build/activ (client)
#   make run             install missing dependencies, build, start the server
#   make test            install missing dependencies, build and run every test
#   make test SANITIZE=address,undefined    the same under ASan and UBSan
#   make check           test + format-check + check-headers + check-layers
#   make bench           micro-benchmarks: core kernels against a naive libm loop, number
#                        parsing against strtod and jansson
#   make valgrind        unit tests under valgrind memcheck
#   make fuzz            libFuzzer targets (clang), FUZZ_SECONDS=60 each; `make test` replays
#                        their corpora (tests/fuzz/corpus/) in the ordinary build
#   make format | format-check | clean

.DEFAULT_GOAL := all
.SUFFIXES:
.SECONDARY:

CC       ?= cc
WERROR   ?= -Werror
SANITIZE ?=
OPT      ?= -O2 -g
ARGS     ?=

PKGS     := jansson libmicrohttpd
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wcast-qual -Wvla -Wundef -Wdouble-promotion $(WERROR)
SANFLAGS := $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer)
PC_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
ACTIV_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -ffp-contract=off -Iinclude $(OPT) $(WARN) \
               $(PC_CFLAGS) $(SANFLAGS)
ACTIV_LDFLAGS = $(SANFLAGS)

LIBS_CORE    := -lm
LIBS_SERVICE := $(or $(shell pkg-config --libs jansson 2>/dev/null),-ljansson)
LIBS_HTTP    := $(or $(shell pkg-config --libs libmicrohttpd 2>/dev/null),-lmicrohttpd) -pthread
LIBS_CURL    := $(or $(shell pkg-config --libs libcurl 2>/dev/null),-lcurl)
LIBS_CHECK   := $(or $(shell pkg-config --libs check 2>/dev/null),-lcheck -lsubunit -lrt -pthread)

BUILD := build/$(if $(SANITIZE),san,default)
BIN   := $(if $(SANITIZE),build/san,build)

CORE_SRC    := $(wildcard server/core/*.c)
SERVICE_SRC := $(wildcard server/service/*.c)
HTTP_SRC    := $(wildcard server/http/*.c)
WIRING_SRC  := $(filter-out server/main.c,$(wildcard server/*.c))
UNIT_SRC    := $(wildcard tests/unit/test_*.c)
BENCH_SRC   := $(wildcard bench/*.c)

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))

# Files embedded at build time: each becomes a C array in $(BUILD)/gen/ (generated with od,
# which every machine has), linked into the service library.
EMBED_OBJ := $(BUILD)/gen/openapi_yaml.o $(BUILD)/gen/default_rules.o

CORE_LIB    := $(BUILD)/libactiv_core.a
SERVICE_LIB := $(BUILD)/libactiv_service.a
HTTP_LIB    := $(BUILD)/libactiv_http.a
WIRING_LIB  := $(BUILD)/libactiv_wiring.a
SERVER      := $(BIN)/activd
CLIENT      := $(BIN)/activ
UNIT_BINS   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
BENCH_BINS  := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))

.PHONY: all run test test-unit deps deps-test check format format-check check-headers \
        check-layers lint-api check-examples bench valgrind clean

all: $(SERVER) $(CLIENT)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ACTIV_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(CORE_LIB): $(call obj,$(CORE_SRC))
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^
# $(call embed,SOURCE,SYMBOL): the recipe writing SOURCE as `const unsigned char SYMBOL[]`
# (NUL-terminated) and `const size_t SYMBOL_len` (without the NUL).
define embed
	@mkdir -p $(@D)
	@{ echo '/* generated from $(1) by the Makefile; do not edit */'; \
	  echo '#include <stddef.h>'; \
	  echo 'extern const unsigned char $(2)[];'; \
	  echo 'extern const size_t $(2)_len;'; \
	  echo 'const unsigned char $(2)[] = {'; \
	  od -An -v -tx1 $(1) | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0x00};'; \
	  echo 'const size_t $(2)_len = sizeof $(2) - 1;'; } > $@.tmp
	@mv $@.tmp $@
endef

$(BUILD)/gen/openapi_yaml.c: api/openapi.yaml
	$(call embed,$<,activ_openapi_yaml)
$(BUILD)/gen/default_rules.c: server/rules/default.json
	$(call embed,$<,activ_rules_default_json)

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(ACTIV_CFLAGS) $(CFLAGS) -c $< -o $@

$(SERVICE_LIB): $(call obj,$(SERVICE_SRC)) $(EMBED_OBJ) | $(CORE_LIB)
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^ $(BUILD)/.empty.o
$(HTTP_LIB): $(call obj,$(HTTP_SRC)) | $(CORE_LIB)
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^ $(BUILD)/.empty.o
$(WIRING_LIB): $(call obj,$(WIRING_SRC)) | $(CORE_LIB)
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^ $(BUILD)/.empty.o

# An empty object keeps `ar` happy while a layer has no sources yet.
$(BUILD)/.empty.o:
	@mkdir -p $(@D)
	printf '' | $(CC) -x c -c - -o $@
$(SERVICE_LIB) $(HTTP_LIB) $(WIRING_LIB): $(BUILD)/.empty.o

ALL_LIBS := $(WIRING_LIB) $(HTTP_LIB) $(SERVICE_LIB) $(CORE_LIB)
ALL_LDLIBS = $(LIBS_HTTP) $(LIBS_SERVICE) $(LIBS_CORE)

$(SERVER): $(call obj,server/main.c) $(ALL_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ACTIV_LDFLAGS) $(LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

$(CLIENT): $(call obj,$(wildcard client/*.c))
	@mkdir -p $(@D)
	$(CC) $(ACTIV_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS_SERVICE) $(LIBS_CURL) $(LIBS_CORE)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(ALL_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ACTIV_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS_CHECK) $(LIBS_CURL) $(ALL_LDLIBS)

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(SERVICE_LIB) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(ACTIV_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS_SERVICE) $(LIBS_CORE)

# ---------------------------------------------------------------- dependencies, run, test
# `make run` and `make test` first install what a fresh Debian 12 machine lacks, then
# build in a sub-make, so pkg-config is read after the install.
deps:
	@sh .ci/deps build
deps-test:
	@sh .ci/deps test

run: deps
	@$(MAKE) --no-print-directory all
	$(SERVER) $(ARGS)

test: deps-test
	@$(MAKE) --no-print-directory test-unit

# Tests run from the repository root (they read tests/data/). CK_FORK stays on: a crash in
# one test is reported, not fatal to the suite.
test-unit: $(UNIT_BINS) $(SERVER) $(CLIENT)
	@passed=0; failed=0; for t in $(UNIT_BINS) $(REPLAY_BINS); do \
	    echo "== $$t"; \
	    if ACTIV_CLIENT=$(CLIENT) ACTIV_SERVER=$(SERVER) $$t; then passed=$$((passed + 1)); else failed=$$((failed + 1)); fi; \
	done; \
	echo "suites: $$passed passed, $$failed failed"; [ $$failed = 0 ]

valgrind: deps-test
	@$(MAKE) --no-print-directory $(UNIT_BINS) $(REPLAY_BINS)
	@failed=0; for t in $(UNIT_BINS) $(REPLAY_BINS); do \
	    echo "== valgrind $$t"; \
	    CK_FORK=no valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	        $$t >/dev/null || failed=1; \
	done; exit $$failed

bench: deps
	@$(MAKE) --no-print-directory OPT="-O2 -g" $(BENCH_BINS)
	@for b in $(BENCH_BINS); do $$b; done

check: test format-check check-headers check-layers lint-api check-examples

# Every request example of api/openapi.yaml gets the response example of the same name.
check-examples: $(SERVER)
	/usr/bin/python3 tests/integration/openapi_examples.py $(SERVER)

# The API document must pass a real OpenAPI linter (from npm; pinned for reproducible CI).
REDOCLY ?= @redocly/cli@2.77.0
lint-api:
	cd api && npx -y $(REDOCLY) lint openapi.yaml

# ---------------------------------------------------------------- source checks
C_FILES := $(shell find include server client tests bench -name '*.[ch]' 2>/dev/null)

format:
	clang-format -i $(C_FILES)

format-check:
	clang-format --dry-run --Werror $(C_FILES)
	@echo "format-check: $(words $(C_FILES)) files clean"

# Every public header compiles on its own.
check-headers:
	@set -e; for h in include/activ/*.h; do \
	    printf '#include "%s"\n' "$${h#include/}" | \
	        $(CC) $(ACTIV_CFLAGS) -x c -fsyntax-only -; \
	done; echo "check-headers: ok"

# Layers point downwards only (STYLE.md section 1): core uses libc and libm only, service
# never sees libmicrohttpd, http never sees jansson.
check-layers:
	@bad=0; \
	if grep -nE '#include *[<"](jansson|microhttpd|curl/|activ/(service|http))' server/core/*.c; then bad=1; fi; \
	if grep -nE '#include *[<"](microhttpd|curl/|activ/http)' server/service/*.c 2>/dev/null; then bad=1; fi; \
	if grep -nE '#include *[<"](jansson)' server/http/*.c 2>/dev/null; then bad=1; fi; \
	if [ $$bad = 1 ]; then echo "check-layers: the includes above cross a layer"; exit 1; fi; \
	echo "check-layers: ok"

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------- fuzzing
# libFuzzer targets, one per tests/fuzz/fuzz_<target>.c (STYLE.md section 9). `make fuzz`
# builds each with clang under ASan and UBSan and runs it for FUZZ_SECONDS with the
# dictionary, on a copy of its seed corpus in build/fuzz/corpus/<target>/, so what it finds
# stays out of git; crashing inputs go to build/fuzz/artifacts/<target>/ and make fails.
# libFuzzer comes with Debian's libclang-rt-dev (libclang-rt-14-dev on Debian 12).
# Keeping what a run found: build/fuzz/fuzz_X -merge=1 tests/fuzz/corpus/X build/fuzz/corpus/X
# The same targets, linked with replay.c by $(CC), replay the checked-in corpus in every
# `make test` (REPLAY_BINS run among the unit suites).
#
#   make fuzz                                    every target for 60 s
#   make fuzz FUZZ_SECONDS=600 FUZZ_TARGETS=rules FUZZ_FLAGS=-jobs=2
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS   ?=
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_DIR     := build/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS   = -std=c11 -D_POSIX_C_SOURCE=200809L -ffp-contract=off -Iinclude -O1 -g $(WARN) \
                $(PC_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_LIB_OBJ := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(CORE_SRC) $(SERVICE_SRC)) \
                $(FUZZ_DIR)/gen/openapi_yaml.o $(FUZZ_DIR)/gen/default_rules.o
FUZZ_BINS    := $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_TARGETS))
REPLAY_BINS  := $(patsubst %,$(BUILD)/fuzz/replay_%,$(FUZZ_NAMES))

.PHONY: fuzz

# clang's -Wdouble-promotion flags glibc's NAN (a float constant) where the server sources
# store it in a double, which gcc does not: off for them, on for the fuzz targets.
$(FUZZ_DIR)/obj/server/%.o: FUZZ_LIB_WARN := -Wno-double-promotion

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_LIB_WARN) $(CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/gen/openapi_yaml.c: api/openapi.yaml
	$(call embed,$<,activ_openapi_yaml)
$(FUZZ_DIR)/gen/default_rules.c: server/rules/default.json
	$(call embed,$<,activ_rules_default_json)
$(FUZZ_DIR)/gen/%.o: $(FUZZ_DIR)/gen/%.c
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(CFLAGS) -c $< -o $@

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $(LDFLAGS) -o $@ $^ $(LIBS_SERVICE) $(LIBS_CORE)

$(BUILD)/fuzz/replay_%: $(BUILD)/tests/fuzz/replay.o $(BUILD)/tests/fuzz/fuzz_%.o $(ALL_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ACTIV_LDFLAGS) $(LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

test-unit: $(REPLAY_BINS)

fuzz: $(FUZZ_BINS)
	@failed=""; for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/artifacts/$$t; \
	    cp tests/fuzz/corpus/$$t/* $(FUZZ_DIR)/corpus/$$t/; \
	    echo "== fuzz_$$t: $(FUZZ_SECONDS) s"; \
	    $(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
	        -dict=tests/fuzz/activ.dict -artifact_prefix=$(FUZZ_DIR)/artifacts/$$t/ \
	        $(FUZZ_FLAGS) $(FUZZ_DIR)/corpus/$$t || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then \
	    echo "fuzz: crash in:$$failed (inputs in $(FUZZ_DIR)/artifacts/)"; exit 1; \
	fi; echo "fuzz: $(FUZZ_TARGETS): no crash in $(FUZZ_SECONDS) s each"

# ---------------------------------------------------------------- docker
# make docker-test: docker/Dockerfile built, run and checked; docker/compose.yaml with 3
# replicas behind nginx under load, one replica killed mid-run; docker/k8s/ checked
# (tests/docker/docker-test.sh says what exactly). The containers run under podman
# through DOCKER_VERIFY, a tool kept beside the repository that makes this work on
# machines with no Docker engine and no registry. Without it the target fails: nothing
# here can run a container. .ci/run skips the target, with a SKIPPED line, on a machine
# that lacks the tool, since such a machine can never pass it; a machine that has the
# tool must pass.
DOCKER_VERIFY ?= ../shared/tools/docker-verify.sh
.PHONY: docker-test
docker-test:
	@if [ ! -f "$(DOCKER_VERIFY)" ]; then \
	    echo "docker-test: $(DOCKER_VERIFY) not found; it runs the containers (DOCKER_VERIFY=path to use another)" >&2; \
	    exit 1; \
	fi
	bash tests/docker/docker-test.sh "$(DOCKER_VERIFY)"
