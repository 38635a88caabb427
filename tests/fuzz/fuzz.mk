# libFuzzer targets for the portable core. Included from tests/tests.mk.
#
#   make check-fuzz [FUZZ_SECONDS=15]   build every fuzzer into $(O)/fuzz/ and
#                                       run each for FUZZ_SECONDS on a copy of
#                                       its committed corpus; fails on a crash
#   make fuzz [FUZZ_SECONDS=600]        the same for a longer run (10 minutes
#                                       a target by default), then a summary of
#                                       each target's executions
#   make fuzz-run-<target>              one of them ($(FUZZ_TARGETS))
#   make -j2 check-fuzz                 two at a time
#
# Each run works in $(O)/fuzz/work/<target> (the corpus copy, which grows)
# and logs to $(O)/fuzz/<target>.log; a crash leaves its input as
# $(O)/fuzz/crash/<target>/crash-* (kept across runs) and prints the log's
# tail. Replay one with: $(O)/fuzz/fuzz_<target> <file>. The seed corpus
# is written by tests/fuzz/mkcorpus.py.

ifneq ($(filter fuzz,$(MAKECMDGOALS)),)
FUZZ_SECONDS ?= 600
endif
FUZZ_SECONDS ?= 15
FUZZ_CC ?= clang
# tests/fuzz/nocov.txt: sorting helpers left without coverage tracing (see
# there: their traced comparisons were most of fuzz_e820's time).
FUZZ_CFLAGS := -std=gnu11 -g -O1 $(WARNINGS) \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fsanitize-coverage-ignorelist=tests/fuzz/nocov.txt \
	$(HOST_IQUOTE) -iquote tests/unit -iquote tests/fuzz
FUZZ_TARGETS := x86_64_header aarch64_image riscv64_image pvh e820 place fdt table_loader \
	efi_memmap tpm2 shim_image fwlog smbios pack
FUZZ_BINS := $(patsubst %,$(O)/fuzz/fuzz_%,$(FUZZ_TARGETS))
FUZZ_RUNS := $(patsubst %,fuzz-run-%,$(FUZZ_TARGETS))

# Every fuzzer links the pure core (the Makefile's HOST_PURE_SRCS and
# HOST_PURE_OBJS, OpenSSL's SHA-256 objects, with the host's libfdt),
# compiled once into an archive: each takes the members it calls.
FUZZ_PURE_OBJS := $(patsubst %,$(O)/fuzz/obj/%.o,$(HOST_PURE_SRCS))
$(O)/fuzz/obj/%.c.o: %.c tests/fuzz/fuzz.mk tests/fuzz/nocov.txt | $(O)/.deps-check $(O)/.deps-build
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<
$(O)/fuzz/libpure.a: $(FUZZ_PURE_OBJS) $(HOST_PURE_OBJS)
	@rm -f $@
	ar rcs $@ $^
-include $(shell find $(O)/fuzz/obj -name '*.d' 2>/dev/null)

# fuzz_place judges place() with the unit tests' checker.
FUZZ_EXTRA_place := tests/unit/place_check.c
# fuzz_table_loader: BOOTSHIM_FUZZ_STRICT=1 when running it adds the checks
# that tests/unit/test_fw_cfg.c's test_loader_bug_* tests make (see the source).
# fuzz_shim_image: the host tools' reader of built shims (tools/).
FUZZ_EXTRA_shim_image := tools/shim_image.c
$(O)/fuzz/fuzz_place: $(FUZZ_EXTRA_place)
$(O)/fuzz/fuzz_shim_image: $(FUZZ_EXTRA_shim_image)
# fuzz_pack: bootshim pack's checks, layout and ELF writer over a synthetic
# stub, read back by the reader of built shims.
FUZZ_EXTRA_pack := tools/pack.c tools/pack_elf.c tools/pack_pe.c tools/payload_check.c \
	tools/shim_image.c tests/unit/pack_stub.c
$(O)/fuzz/fuzz_pack: $(FUZZ_EXTRA_pack)

# $(O)/.deps-check: the Makefile's rule installs clang and its runtimes if missing.
$(FUZZ_BINS): $(O)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(O)/fuzz/libpure.a \
		$(wildcard shim/*.h arch/*/*.h tools/*.h tests/fuzz/*.h tests/unit/place_check.*) \
		tests/fuzz/fuzz.mk tests/fuzz/nocov.txt | $(O)/.deps-check
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_EXTRA_$*) $(O)/fuzz/libpure.a $(HOST_PURE_LIBS)

fuzz-build: $(FUZZ_BINS)

$(FUZZ_RUNS): fuzz-run-%: $(O)/fuzz/fuzz_%
	@rm -rf $(O)/fuzz/work/$*
	@mkdir -p $(O)/fuzz/work/$* $(O)/fuzz/crash/$*
	@cp tests/fuzz/corpus/$*/* $(O)/fuzz/work/$*/
	@echo "fuzz: $* for $(FUZZ_SECONDS)s (log: $(O)/fuzz/$*.log)"
	@$(O)/fuzz/fuzz_$* -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
		-artifact_prefix=$(O)/fuzz/crash/$*/ $(O)/fuzz/work/$* >$(O)/fuzz/$*.log 2>&1 \
		|| { tail -n 40 $(O)/fuzz/$*.log; echo "fuzz: $* FAILED, input in $(O)/fuzz/crash/$*/"; exit 1; }
	@grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' $(O)/fuzz/$*.log | \
		sed 's/^/fuzz: $*: /'

check-fuzz: $(FUZZ_RUNS)

# Every target for FUZZ_SECONDS; the summary lists each one's executions.
fuzz: $(FUZZ_RUNS)
	@for t in $(FUZZ_TARGETS); do \
		printf 'fuzz: %-13s %10s executions in %ss\n' $$t \
			"$$(sed -n 's/^stat::number_of_executed_units: *//p' $(O)/fuzz/$$t.log)" \
			$(FUZZ_SECONDS); \
	done

.PHONY: check-fuzz fuzz fuzz-build $(FUZZ_RUNS)
