# Quartz unikernel.  `make` builds build/quartz-unikernel.elf; `make run`
# boots it; `make test` runs every test.  V=1 shows full command lines.
#
# Layout of this file: toolchain flags, the kernel, the baked site, the host
# build (unit tests, fuzzers), then the user-facing targets.

ASSETS ?= assets
PORT ?= 8080
MEM ?= 64M
BUILD ?= build
ELF := $(BUILD)/quartz-unikernel.elf

ifeq ($(V),1)
Q :=
else
Q := @
endif
say = @printf '  %-7s %s\n' $(1) $(2)

CC := gcc
LD := ld
HOSTCC ?= gcc

# ---- kernel -------------------------------------------------------------
KCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-ffreestanding -nostdlib -fno-builtin-printf -fno-pic -fno-pie \
	-fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-mno-red-zone -mgeneral-regs-only -mcmodel=kernel -m64 -mno-80387 \
	-I. -DQUARTZ_KERNEL
KASFLAGS := -g -I. -DQUARTZ_KERNEL -D__ASSEMBLY__
KLDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack -T linker.ld

# KERNEL_EXCLUDE / HOST_EXCLUDE drop files (for working on one layer while
# another is half-written).
KSRCS_C := $(filter-out $(KERNEL_EXCLUDE),$(wildcard kernel/*.c drivers/virtio/*.c net/*.c http/*.c))
KSRCS_S := $(wildcard boot/*.S kernel/*.S)
KOBJS := $(patsubst %.c,$(BUILD)/k/%.o,$(KSRCS_C)) $(patsubst %.S,$(BUILD)/k/%.o,$(KSRCS_S)) \
	$(BUILD)/k/content.o

all: $(ELF)

$(ELF): $(KOBJS) linker.ld
	$(call say,LD,$@)
	$(Q)$(LD) $(KLDFLAGS) -o $@ $(KOBJS)

$(BUILD)/k/%.o: %.c
	$(call say,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(KCFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/k/%.o: %.S
	$(call say,AS,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(KASFLAGS) -MMD -MP -c -o $@ $<

# ---- the baked site -------------------------------------------------------
# The bake tool writes an assembly file that .incbin's every asset into the
# .content section, plus the index.  It is re-run when any file under
# $(ASSETS) changes, when a file is added or removed, or when ASSETS itself
# changes.  The stamp records ASSETS' absolute path and a listing of every
# entry under it (path, type, size, mtime) and is rewritten only when that
# listing changes: file names make cannot take as prerequisites (spaces,
# colons, '%') still trigger a rebake.
BAKE := $(BUILD)/tools/bake_assets
ASSETS_STAMP := $(BUILD)/assets.stamp
$(shell mkdir -p $(BUILD); { echo '$(abspath $(ASSETS))'; find -L '$(ASSETS)' -printf '%P\t%y\t%s\t%T@\n' 2>/dev/null | LC_ALL=C sort; } > $(ASSETS_STAMP).new; cmp -s $(ASSETS_STAMP).new $(ASSETS_STAMP) && rm -f $(ASSETS_STAMP).new || mv -f $(ASSETS_STAMP).new $(ASSETS_STAMP))

$(BAKE): tools/bake_assets.c
	$(call say,HOSTCC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -o $@ $<

ifneq ($(wildcard tools/bake_assets.c),)
$(BUILD)/content.S: $(BAKE) $(ASSETS_STAMP)
	$(call say,BAKE,$(ASSETS))
	$(Q)$(BAKE) $(ASSETS) $@
else
$(BUILD)/content.S:
	$(Q)mkdir -p $(dir $@)
	$(Q)printf '.section .content,"a"\n' > $@
endif

$(BUILD)/k/content.o: $(BUILD)/content.S
	$(call say,AS,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(KASFLAGS) -c -o $@ $<

# ---- host build: the same net/ http/ code, plus unit tests and fuzzers ----
HCFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. -DQUARTZ_HOST \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
# Kernel files that are pure logic and build on the host too.
KERNEL_HOST_SRCS := kernel/printf.c kernel/cmdline_parse.c kernel/pmm_core.c
HOST_SRCS := $(wildcard net/*.c http/*.c) drivers/virtio/virtq.c \
	$(filter $(wildcard kernel/*.c),$(KERNEL_HOST_SRCS))
HOST_SRCS := $(filter-out $(HOST_EXCLUDE),$(filter $(wildcard $(HOST_SRCS)),$(HOST_SRCS)))
HOST_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(HOST_SRCS))
HOST_LIB := $(BUILD)/host/libquartz.a
HOST_SUPPORT := $(patsubst %.c,$(BUILD)/host/%.o,$(wildcard tests/host/support/*.c))
HOST_TESTS := $(patsubst tests/host/%.c,$(BUILD)/host/tests/%,$(wildcard tests/host/test_*.c))

$(BUILD)/host/%.o: %.c
	$(call say,HOSTCC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HCFLAGS) -MMD -MP -c -o $@ $<

$(HOST_LIB): $(HOST_OBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/host/tests/%: tests/host/%.c $(HOST_LIB) $(HOST_SUPPORT)
	$(call say,HOSTCC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HCFLAGS) -MMD -MP -o $@ $< $(HOST_SUPPORT) $(HOST_LIB)

host-tests: $(HOST_TESTS)

# ---- user-facing targets ---------------------------------------------------
run: $(ELF)
	$(Q)tools/deps.sh run
	$(Q)tools/run.sh $(ELF) $(PORT) $(MEM)

test: $(ELF) $(HOST_TESTS)
	$(Q)tools/deps.sh test
	$(Q)BUILD=$(BUILD) tests/run.sh

clean:
	rm -rf $(BUILD)

# ---- benchmark: Quartz against a Linux guest (tools/bench.sh) -------------
# QUICK=1: one boot each and short runs, for tests/qemu/6x_bench_quick.sh.
bench: $(ELF)
	$(Q)tools/deps.sh bench && BUILD=$(BUILD) QUICK=$(QUICK) tools/bench.sh
.PHONY: bench

.PHONY: all run test clean host-tests
# Objects made on the way (test support) are kept, not deleted and rebuilt.
.SECONDARY:
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---- fuzzers (clang + libFuzzer) -------------------------------------------
# Every tests/fuzz/fuzz_<name>.c becomes $(BUILD)/fuzz/fuzz_<name>, linked
# with the sources its FUZZ_SRCS_fuzz_<name> lists.  `make fuzz` runs each
# for FUZZ_SECONDS from its seed corpus tests/fuzz/corpus_<name>/ (new
# inputs go to $(BUILD)/fuzz/work_<name>, so the repo stays clean) and
# stops at the first crash; tests/qemu/06_fuzz_short.sh runs each ~10 s.
FUZZ_SECONDS ?= 60
FUZZCC ?= clang
FUZZ_FLAGS := -std=gnu11 -g -O1 -I. -DQUARTZ_HOST -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZERS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SRCS_fuzz_http := http/parse.c http/route.c http/content.c

.SECONDEXPANSION:
$(BUILD)/fuzz/%: tests/fuzz/%.c $$(FUZZ_SRCS_$$*)
	$(call say,FUZZCC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(FUZZCC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_SRCS_$*)

fuzz-build: $(FUZZERS)

fuzz: $(FUZZERS)
	$(Q)tools/deps.sh test
	$(Q)for f in $(FUZZERS); do n=$${f##*/}; w=$(BUILD)/fuzz/work_$$n; \
		c=tests/fuzz/corpus_$${n#fuzz_}; mkdir -p $$w; \
		echo "  FUZZ    $$n for $(FUZZ_SECONDS) s"; \
		if $$f -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -print_final_stats=1 \
			$$w $$( [ -d $$c ] && echo $$c ) > $(BUILD)/fuzz/$$n.log 2>&1; then \
			grep -E 'stat::number_of_executed_units|Done' $(BUILD)/fuzz/$$n.log; \
		else tail -n 40 $(BUILD)/fuzz/$$n.log; echo "fuzz: $$n failed"; exit 1; fi; done
.PHONY: fuzz fuzz-build

# ---- fuzz_net: the network stack from Ethernet up (H3) -----------------------
# Built and run by the generic fuzz rules above; only its sources live here.
# The whole of net/ goes in (TCP too), with the host's sys.h and fake NIC.
FUZZ_SRCS_fuzz_net := $(filter-out $(HOST_EXCLUDE),$(wildcard net/*.c)) \
	tests/host/support/hostsys.c tests/host/support/fakeif.c

# ---- test-faults: the fault, abuse and soak suite (tests/faults/, H7) -------
# Loss, reordering, corruption, slow readers, floods, malformed input and a
# soak against the guest on a tap in a namespace the suite makes.  Needs
# root.  QUICK=1 shortens it to a few minutes (make test runs it that way).
test-faults: $(ELF)
	$(Q)tools/deps.sh faults
	$(Q)BUILD=$(BUILD) QUICK=$(QUICK) tests/faults/run.sh
.PHONY: test-faults
