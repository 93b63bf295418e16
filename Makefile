# Custody — the two commands a new machine needs: `make demo` and `make test`.
# Both install what is missing (Debian packages, the Python test dependency), then build.

SWIFT        ?= swift
DEMO_STATE   ?= $(CURDIR)/demo/state
CUSTODYD      = $(CURDIR)/.build/debug/custodyd
APT_PACKAGES  = libssl-dev libsqlite3-dev pkg-config python3 python3-pip util-linux mount \
               dosfstools mtools exfatprogs exfat-fuse fdisk
BENCH_PACKAGES = time

.PHONY: deps build demo test bench fuzz-volumes clean

## deps: install the Debian packages and the Python package the build and tests use (root or sudo).
deps:
	@bash scripts/install-deps.sh $(APT_PACKAGES)

build: deps
	$(SWIFT) build

## demo: import the demo camera volume in fixtures/ into a fresh demo state, list it, check fixity.
demo: build
	rm -rf $(DEMO_STATE)
	$(CUSTODYD) init --state $(DEMO_STATE)
	$(CUSTODYD) import --state $(DEMO_STATE) --device DEV0001 fixtures/demo-volume
	$(CUSTODYD) list --state $(DEMO_STATE)
	$(CUSTODYD) verify --deep --state $(DEMO_STATE)
	$(CUSTODYD) audit verify --state $(DEMO_STATE)

## test: every test (unit, integration, end-to-end, crash, interop).
test: deps
	$(SWIFT) build --build-tests -Xswiftc -warnings-as-errors
	$(SWIFT) test --skip-build --no-parallel
	python3 -m pytest -q -p no:cacheprovider -p no:benchmark Tests/Interop

## bench: performance figures on a release build (not part of the tests).
bench: deps
	@bash scripts/install-deps.sh $(BENCH_PACKAGES)
	bash Benchmarks/run.sh

## fuzz-volumes: libFuzzer over the camera-volume parsers (partition tables, FAT and exFAT boot
## sectors, directories, cluster chains) for FUZZ_SECONDS (default 60), seeded with the hostile
## corpus; not part of CI. SwiftPM builds the library instrumented; swiftc links the harness (libFuzzer
## brings main, which SwiftPM's executable linking does not allow).
FUZZ_SECONDS ?= 60
FUZZ_BUILD    = .build-fuzz/debug
fuzz-volumes: deps
	$(SWIFT) build --scratch-path .build-fuzz --target CameraVolumes -Xswiftc -sanitize=fuzzer -Xswiftc -enable-testing
	swiftc -sanitize=fuzzer -parse-as-library -I $(FUZZ_BUILD)/Modules \
		-I .build-fuzz/checkouts/swift-system/Sources/CSystem/include \
		Fuzz/CameraVolumesFuzz/main.swift $(FUZZ_BUILD)/CameraVolumes.build/*.o $(FUZZ_BUILD)/CustodyCore.build/*.o \
		$(FUZZ_BUILD)/SystemPackage.build/*.o $(FUZZ_BUILD)/CSystem.build/*.o -o .build-fuzz/custody-fuzz-volumes
	mkdir -p .build-fuzz/corpus-volumes
	cp -n Tests/CameraVolumesTests/Corpus/fat-*.img Tests/CameraVolumesTests/Corpus/*-end*.img .build-fuzz/corpus-volumes/
	for image in Tests/CameraVolumesTests/Corpus/exfat-*.img; do \
		head -c 262144 $$image >.build-fuzz/corpus-volumes/seed-$$(basename $$image); done
	.build-fuzz/custody-fuzz-volumes .build-fuzz/corpus-volumes -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-rss_limit_mb=2048 -max_len=1310720

clean:
	rm -rf .build .build-fuzz .build-bench demo bench-work
