# facewasm build. `make` builds the wasm module; `make test` runs every test;
# `make bench` compares with tfjs-wasm; `make models` fetches the weights.

EMCC ?= emcc
# Reference material beside the repository, when present (tests skip without it).
SHARED ?= ../shared
CC ?= cc
NODE ?= node
export NODE_PATH ?= /usr/share/nodejs

CORE_SRC := csrc/api.c $(wildcard csrc/core/*.c csrc/image/*.c csrc/nets/*.c) \
            $(filter-out %-simd128.c,$(wildcard csrc/kernels/*.c))
SIMD_SRC := $(wildcard csrc/kernels/*-simd128.c)
HEADERS  := $(shell find csrc -name '*.h')
STB_INC  = $(STB_DIR)/stb_image.h

EXPORTS := fw_abi_version fw_last_error fw_alloc fw_free \
           fw_model_create fw_model_add_tensor fw_model_finish fw_model_destroy \
           fw_image_decode fw_image_encode_png fw_image_draw_rect \
           fw_tiny_face_detector_detect fw_tiny_face_detector_forward fw_results \
           fw_face_expression_predict fw_age_gender_predict \
           fw_face_landmarks fw_face_descriptors fw_face_descriptors_of_images fw_image_crop \
           fw_ssd_mobilenetv1_detect fw_ssd_mobilenetv1_forward fw_ssd_mobilenetv1_set_precision \
           fw_mtcnn_detect fw_mtcnn_results fw_mtcnn_pnet
comma := ,
empty :=
space := $(empty) $(empty)
EXPORT_LIST := $(subst $(space),$(comma),$(patsubst %,_%,$(EXPORTS)))

STB_DIR  := /usr/include/stb
CFLAGS_COMMON := -std=c11 -Wall -Wextra -Werror -Wno-missing-field-initializers -Icsrc -isystem $(STB_DIR)
WASM_FLAGS := -O3 -flto -msimd128 $(CFLAGS_COMMON) -DNDEBUG
WASM_LINK := -sSTANDALONE_WASM --no-entry -sALLOW_MEMORY_GROWTH=1 -sABORTING_MALLOC=0 \
             -sINITIAL_MEMORY=33554432 -sMAXIMUM_MEMORY=2147483648 -sTOTAL_STACK=1048576 -sFILESYSTEM=0
NATIVE_FLAGS := -O2 -g $(CFLAGS_COMMON)
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all $(CFLAGS_COMMON)

.PHONY: all toolchain test test-native test-js models bench profile clean scene-reference reference-raw derived-reference reference-data \
        demo demo-samples test-reliability sanitize valgrind fuzz fuzz-short soak

all: wasm/facewasm.wasm wasm/facewasm-scalar.wasm wasm/facewasm-threads.wasm models

toolchain:
	@command -v $(EMCC) >/dev/null 2>&1 || { echo "error: emcc not found. Install Debian's emscripten package: sudo apt-get install emscripten" >&2; exit 1; }
	@test -f $(STB_INC) || { echo "error: $(STB_INC) not found. Install Debian's libstb-dev package: sudo apt-get install libstb-dev" >&2; exit 1; }
	@command -v $(NODE) >/dev/null 2>&1 || { echo "error: node not found. Install Node.js 18 or newer (Debian: sudo apt-get install nodejs npm)" >&2; exit 1; }

wasm/facewasm.wasm: $(CORE_SRC) $(SIMD_SRC) $(HEADERS) | toolchain
	@mkdir -p wasm
	$(EMCC) $(WASM_FLAGS) $(CORE_SRC) $(SIMD_SRC) $(WASM_LINK) -sEXPORTED_FUNCTIONS=$(EXPORT_LIST) -o $@
	@$(NODE) tools/wasm-info.mjs $@

# The same core without SIMD128, for engines that lack it: js/wasm.mjs picks it
# automatically. Only the scalar kernel twins are compiled in.
wasm/facewasm-scalar.wasm: $(CORE_SRC) $(HEADERS) | toolchain
	@mkdir -p wasm
	$(EMCC) $(subst -msimd128,,$(WASM_FLAGS)) $(CORE_SRC) $(WASM_LINK) -sEXPORTED_FUNCTIONS=$(EXPORT_LIST) -o $@
	@$(NODE) tools/wasm-info.mjs $@

# The SIMD128 core for a pool of threads on one shared memory (js/threads.mjs):
# atomics, memory imported as shared (data segments are then initialised once,
# by whichever instance starts first), and the pool's entry points exported.
# Each worker instance gets its own stack through stackRestore.
THREAD_EXPORTS := fw_threads_start fw_threads_worker fw_threads_stop
THREAD_LINK := $(WASM_LINK) -Wl,--shared-memory -Wl,--import-memory
wasm/facewasm-threads.wasm: $(CORE_SRC) $(SIMD_SRC) $(HEADERS) | toolchain
	@mkdir -p wasm
	$(EMCC) $(WASM_FLAGS) -matomics -mbulk-memory -DFW_THREADS $(CORE_SRC) $(SIMD_SRC) $(THREAD_LINK) \
	  -sEXPORTED_FUNCTIONS=$(EXPORT_LIST),$(subst $(space),$(comma),$(patsubst %,_%,$(THREAD_EXPORTS))) -o $@
	@$(NODE) tools/wasm-info.mjs $@

# Kernel tests link only the code they test (kernels, preprocessing, box math),
# not the decoder/API/nets, so they build and run whatever state those are in.
KERNEL_TEST_SRC := $(filter-out %-simd128.c,$(wildcard csrc/kernels/*.c)) csrc/image/preprocess.c csrc/nets/detection.c

# Kernel tests in wasm: scalar and SIMD128 twins against naive loops.
build/kernel_tests.wasm: tests/c/kernel_tests.c $(KERNEL_TEST_SRC) $(SIMD_SRC) $(HEADERS) | toolchain
	@mkdir -p build
	$(EMCC) $(WASM_FLAGS) tests/c/kernel_tests.c $(KERNEL_TEST_SRC) $(SIMD_SRC) $(WASM_LINK) \
	  -sEXPORTED_FUNCTIONS=_run_kernel_tests,_kernel_test_log -o $@

# Native builds of the same C: plain and under ASan/UBSan.
build/native/kernel_tests: tests/c/kernel_tests.c tests/c/native_main.c $(KERNEL_TEST_SRC) $(HEADERS)
	@mkdir -p build/native
	$(CC) $(NATIVE_FLAGS) $(filter %.c,$^) -lm -o $@

build/native/kernel_tests_san: tests/c/kernel_tests.c tests/c/native_main.c $(KERNEL_TEST_SRC) $(HEADERS)
	@mkdir -p build/native
	clang $(SAN_FLAGS) $(filter %.c,$^) -lm -o $@

# The whole core as a native library: proves it builds -Werror clean with gcc.
NATIVE_OBJ := $(patsubst csrc/%.c,build/native/obj/%.o,$(CORE_SRC))
build/native/obj/%.o: csrc/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(NATIVE_FLAGS) -c $< -o $@
build/native/libfacewasm.a: $(NATIVE_OBJ)
	ar rcs $@ $^

# MTCNN end to end under ASan/UBSan (weights and image from ../shared; says so and passes without).
build/native/mtcnn_smoke_san: tests/c/mtcnn_smoke.c $(CORE_SRC) $(HEADERS)
	@mkdir -p build/native
	clang $(SAN_FLAGS) tests/c/mtcnn_smoke.c $(CORE_SRC) -lm -o $@

test-native: build/native/libfacewasm.a build/native/kernel_tests build/native/kernel_tests_san build/native/mtcnn_smoke_san
	build/native/kernel_tests
	build/native/kernel_tests_san
	build/native/mtcnn_smoke_san $(or $(FACEWASM_SHARED),../shared)

models: models/.installed

models/.installed: models/package.json models/package-lock.json
	cd models && npm ci --no-audit --no-fund --loglevel=error
	cp models/node_modules/@vladmandic/face-api/model/* models/
	@touch $@

# Test-only npm packages (playwright-core for the browser tests).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

test-js: all build/kernel_tests.wasm build/facewasm-small-memory.wasm build/facewasm-low-start.wasm \
         build/facewasm-profile.wasm build/facewasm-threads-profile.wasm node_modules/.package-lock.json demo-samples \
         $(if $(wildcard $(SHARED)/reference/harness/ref.mjs),reference-data)
	$(NODE) --test --test-reporter=spec tests/

test: test-native test-reliability test-js

# The demo's sample photos come from the @vladmandic/face-api package that
# `make models` installs (its demo/sample1.jpg ... sample6.jpg); not in git.
DEMO_SAMPLES := $(patsubst %,demo/samples/sample%.jpg,1 2 3 4 5 6)
demo/samples/%.jpg: models/.installed
	@mkdir -p demo/samples
	cp models/node_modules/@vladmandic/face-api/demo/$(notdir $@) $@

demo-samples: $(DEMO_SAMPLES)

# Serves the repository with the strict Content-Security-Policy the demo is
# written for; the demo is at http://localhost:8080/demo/
DEMO_PORT ?= 8080
demo: all demo-samples
	$(NODE) tools/static_server.mjs --port $(DEMO_PORT) --host localhost

bench/node_modules/.package-lock.json: bench/package.json bench/package-lock.json
	cd bench && npm ci --no-audit --no-fund --loglevel=error

# Bench-only probe of the machine's wasm SIMD128 arithmetic peak (not part of the library).
build/bench_peak.wasm: bench/peak.c | toolchain
	@mkdir -p build
	$(EMCC) -O3 -msimd128 bench/peak.c -sSTANDALONE_WASM --no-entry -sEXPORTED_FUNCTIONS=_peak_f32,_peak_i16 -o $@

bench: all models bench/node_modules/.package-lock.json build/bench_peak.wasm
	$(NODE) bench/bench.mjs
	$(NODE) bench/cli_bench.mjs

# Profiling builds (core/profile.h): the SIMD and threads builds with timing
# hooks, for a per-layer profile on one thread and on two (`make profile`;
# PROFILE_NETS picks the nets (recognition ssd landmarks tiny expressions
# ageGender), PROFILE_RUNS the forwards per side).
PROFILE_EXPORTS := fw_profile_events fw_profile_event_count fw_profile_capacity fw_profile_reset
PROFILE_EXPORT_LIST := $(subst $(space),$(comma),$(patsubst %,_%,$(PROFILE_EXPORTS)))
PROFILE_LINK := --js-library csrc/core/profile_imports.js
build/facewasm-profile.wasm: $(CORE_SRC) $(SIMD_SRC) $(HEADERS) csrc/core/profile_imports.js Makefile | toolchain
	@mkdir -p build
	$(EMCC) $(WASM_FLAGS) -DFW_PROFILE $(CORE_SRC) $(SIMD_SRC) $(WASM_LINK) $(PROFILE_LINK) \
	  -sEXPORTED_FUNCTIONS=$(EXPORT_LIST),$(PROFILE_EXPORT_LIST) -o $@

build/facewasm-threads-profile.wasm: $(CORE_SRC) $(SIMD_SRC) $(HEADERS) csrc/core/profile_imports.js Makefile | toolchain
	@mkdir -p build
	$(EMCC) $(WASM_FLAGS) -matomics -mbulk-memory -DFW_THREADS -DFW_PROFILE $(CORE_SRC) $(SIMD_SRC) $(THREAD_LINK) $(PROFILE_LINK) \
	  -sEXPORTED_FUNCTIONS=$(EXPORT_LIST),$(subst $(space),$(comma),$(patsubst %,_%,$(THREAD_EXPORTS))),$(PROFILE_EXPORT_LIST) -o $@

PROFILE_NETS ?= recognition,ssd,landmarks
PROFILE_RUNS ?= 200
profile: all models build/facewasm-profile.wasm build/facewasm-threads-profile.wasm
	$(NODE) bench/profile.mjs --nets $(PROFILE_NETS) --runs $(PROFILE_RUNS)

# More reference data derived from face-api.js itself, made locally (build/reference,
# not in git) by the reference harness in ../shared: the SSD's raw outputs before
# NMS, the answers for the labelled expression photos and for images derived from
# the test images (faces.png mirrored, for MTCNN's stage 3). Slow the first time
# (about a minute per image, on face-api.js's CPU backend), kept afterwards.
# Without ../shared the tests that need it skip and say so.
reference-raw:
	$(NODE) tools/ssd-raw-reference.mjs
scene-reference:
	$(NODE) tools/scene-reference.mjs
derived-reference: wasm/facewasm.wasm
	$(NODE) tools/derived-reference.mjs
reference-data: reference-raw scene-reference derived-reference

clean:
	rm -rf build wasm/*.wasm

# ---------------------------------------------------------------------------
# Reliability: whole nets natively under ASan/UBSan and valgrind, failing
# allocations, libFuzzer targets. Fixtures (weights as a simple table, the
# reference cases) are generated from models/ and ../shared into build/.

FIXTURES := build/native/fixtures
NET_TEST_SRC := tests/c/net_tests.c $(CORE_SRC)
FUZZ_SECONDS ?= 600
FUZZ_SHORT_SECONDS ?= 10
FUZZ_TARGETS := decode weights detect
FUZZ_FLAGS := -O2 -g -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
              -fsanitize-ignorelist=tests/fuzz/ubsan-ignorelist.txt \
              $(CFLAGS_COMMON)
SOAK_COUNT ?= 10000

$(FIXTURES)/cases.txt: tests/tools/native_fixtures.mjs js/weights.mjs js/mtcnn.mjs models/.installed
	$(NODE) tests/tools/native_fixtures.mjs $(FIXTURES)

build/native/net_tests: $(NET_TEST_SRC) $(HEADERS)
	@mkdir -p build/native
	$(CC) $(NATIVE_FLAGS) $(filter %.c,$^) -lm -o $@

build/native/net_tests_san: $(NET_TEST_SRC) $(HEADERS)
	@mkdir -p build/native
	clang $(SAN_FLAGS) $(filter %.c,$^) -lm -o $@

# Every core allocation goes through tests/c/alloc_hooks.c, which can fail any one.
build/native/net_tests_oom: $(NET_TEST_SRC) tests/c/alloc_hooks.c tests/c/alloc_hooks.h $(HEADERS)
	@mkdir -p build/native
	clang $(SAN_FLAGS) -DFW_ALLOC_HOOKS -Itests/c $(filter %.c,$^) -lm -o $@

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_nets.h tests/fuzz/fuzz_net_tensors.h tests/fuzz/ubsan-ignorelist.txt $(CORE_SRC) $(HEADERS)
	@mkdir -p build/fuzz
	clang $(FUZZ_FLAGS) $< $(CORE_SRC) -lm -o $@

# The same core with memory starting at 2 MiB: growth shows up early
# (tests/memory.test.mjs); and also capped at 32 MiB, so that the cap is
# reached easily (tests/out_of_memory.test.mjs).
LOW_START_LINK := $(subst -sINITIAL_MEMORY=33554432,-sINITIAL_MEMORY=2097152,$(WASM_LINK))
build/facewasm-low-start.wasm: $(CORE_SRC) $(SIMD_SRC) $(HEADERS) Makefile | toolchain
	@mkdir -p build
	$(EMCC) $(WASM_FLAGS) $(CORE_SRC) $(SIMD_SRC) $(LOW_START_LINK) -sEXPORTED_FUNCTIONS=$(EXPORT_LIST) -o $@

build/facewasm-small-memory.wasm: $(CORE_SRC) $(SIMD_SRC) $(HEADERS) Makefile | toolchain
	@mkdir -p build
	$(EMCC) $(WASM_FLAGS) $(CORE_SRC) $(SIMD_SRC) $(subst -sMAXIMUM_MEMORY=2147483648,-sMAXIMUM_MEMORY=33554432,$(LOW_START_LINK)) \
	  -sEXPORTED_FUNCTIONS=$(EXPORT_LIST) -o $@

test-reliability: $(FIXTURES)/cases.txt build/native/net_tests_san build/native/net_tests_oom build/native/net_tests \
                  $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
	build/native/net_tests_san reference $(FIXTURES) $(FIXTURES)/cases-quick.txt
	build/native/net_tests_oom oom $(FIXTURES) tests/fuzz/decode/face-80x60.jpg tests/fuzz/decode/palette-6x2.png \
	  tests/fuzz/decode/gray-alpha-4x4.png tests/fuzz/decode/rgb-3x3-16bit.png
	valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	  build/native/net_tests reference $(FIXTURES) $(FIXTURES)/cases-quick.txt
	$(MAKE) --no-print-directory fuzz-short

# Every reference case of every net under ASan/UBSan (make test runs the quick
# ones: a few per net; SSD and recognition take seconds per case there).
sanitize: $(FIXTURES)/cases.txt build/native/net_tests_san
	build/native/net_tests_san reference $(FIXTURES)

valgrind: $(FIXTURES)/cases.txt build/native/net_tests build/native/kernel_tests
	valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect build/native/kernel_tests >/dev/null
	valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	  build/native/net_tests reference $(FIXTURES)

# Each target for FUZZ_SECONDS (make fuzz, a new random seed each run) or
# FUZZ_SHORT_SECONDS (make test, a fixed seed: the same inputs every run).
fuzz: $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-short: $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
	FUZZ_SEED=1 tests/fuzz/run.sh $(FUZZ_SHORT_SECONDS) $(FUZZ_TARGETS)

soak: all build/facewasm-low-start.wasm
	FACEWASM_SOAK=$(SOAK_COUNT) $(NODE) --test --test-reporter=spec tests/memory.test.mjs
