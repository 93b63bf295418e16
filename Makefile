# Custody — the two commands a new machine needs: `make demo` and `make test`.
# Both install what is missing (Debian packages, the Python test dependency), then build.

SWIFT        ?= swift
DEMO_DIR     ?= $(CURDIR)/demo
APT_PACKAGES  = libssl-dev libsqlite3-dev sqlite3 pkg-config python3 python3-pip util-linux mount \
                libavformat-dev libavcodec-dev libavutil-dev ffmpeg libimage-exiftool-perl \
                libusb-1.0-0-dev libudev-dev umockdev libumockdev-dev \
                dosfstools mtools exfatprogs exfat-fuse fdisk chromium \
                dpkg-dev binutils lintian debootstrap
BENCH_PACKAGES = time
# make install: where (DESTDIR, a staging root, empty for this system) and under which prefix.
DESTDIR      ?=
PREFIX       ?= /usr
RELEASE_BIN   = $(CURDIR)/.build/release

.PHONY: deps build demo test check-units release install deb check-deb test-devices-umockdev bench fuzz-media fuzz-devices fuzz-volumes fuzz-control clean

## deps: install the Debian packages and the Python package the build and tests use (root or sudo).
deps:
	@bash scripts/install-deps.sh $(APT_PACKAGES)

build: deps
	$(SWIFT) build

## demo: custodyd run on a fresh demo state with a watched folder: the demo recordings dropped in and
## verified, an officer and a reviewer and what each sees, an HTML report, verify --deep and audit
## verify, the daemon stopped (scripts/demo.sh; DemoScriptTests runs it in `make test` too).
demo: build
	DEMO_DIR=$(DEMO_DIR) CUSTODY_BIN=$(CURDIR)/.build/debug bash scripts/demo.sh

## test: every test (unit, integration, end-to-end, crash, interop); the systemd units first (fast).
test: deps
	bash scripts/check-units.sh
	$(SWIFT) build --build-tests -Xswiftc -warnings-as-errors
	bash scripts/swift-test-counting-skips.sh "main pass" $(SWIFT) test --skip-build --no-parallel
	bash scripts/swift-test-counting-skips.sh "umockdev pass" umockdev-wrapper $(SWIFT) test --skip-build --no-parallel --filter UMockdev
	python3 -m pytest -q -p no:cacheprovider -p no:benchmark Tests/Interop
	bash scripts/check-deb.sh $(SWIFT)

## check-units: systemd-analyze verify (must print nothing) and security (exposure at most 2.0) of
## systemd/custodyd.service; systemd-sysusers and systemd-tmpfiles over the other files in systemd/.
check-units:
	bash scripts/check-units.sh

## release: custodyd and custody, optimised, the Swift runtime linked statically, the commit in --version.
release: deps
	bash scripts/build-release.sh $(SWIFT)

## install: the release binaries, unit, sysusers, tmpfiles, udev rules, a commented
## /etc/custody/custodyd.toml, man pages, completions and docs into DESTDIR (PREFIX=/usr). Starts nothing.
install: release
	DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) bash scripts/install.sh $(RELEASE_BIN)

## deb: the Debian package, .build/deb-out/custody_VERSION_ARCH.deb (install it with dpkg -i, then
## docs/operations.md, "Installing as a service").
deb: release
	bash scripts/build-deb.sh $(RELEASE_BIN) .build/deb-out

## check-deb: builds the package, runs lintian, installs it into a clean debootstrap root and checks it
## there (scripts/check-deb.sh); part of make test.
check-deb: deps
	bash scripts/check-deb.sh $(SWIFT)

## test-devices-umockdev: the real libusb/libudev code against the fake devices in fixtures/devices.
## umockdev's preload library must be in the process from its start, hence umockdev-wrapper; outside
## it those suites are skipped.
test-devices-umockdev: deps
	$(SWIFT) build --build-tests -Xswiftc -warnings-as-errors
	umockdev-wrapper $(SWIFT) test --skip-build --no-parallel --filter UMockdev

## bench: performance figures on a release build (not part of the tests).
bench: deps
	@bash scripts/install-deps.sh $(BENCH_PACKAGES)
	bash Benchmarks/run.sh

## fuzz-media: libFuzzer over MediaProbe's parsers for FUZZ_SECONDS (default 60); not part of CI.
## The library modules are built instrumented by SwiftPM; the harness (no main of its own: libFuzzer
## brings it) is linked by swiftc, which SwiftPM's executable linking does not allow.
FUZZ_SECONDS ?= 60
FUZZ_BUILD    = .build-fuzz/debug
fuzz-media: deps
	$(SWIFT) build --scratch-path .build-fuzz --target MediaProbe -Xswiftc -sanitize=fuzzer -Xswiftc -enable-testing
	swiftc -sanitize=fuzzer -parse-as-library -enable-testing -I $(FUZZ_BUILD)/Modules -I Sources/CAVFormat \
		Fuzz/MediaProbeFuzz/main.swift $(FUZZ_BUILD)/MediaProbe.build/*.o $(FUZZ_BUILD)/CustodyCore.build/*.o \
		-lavformat -lavcodec -lavutil -o .build-fuzz/custody-fuzz-media
	mkdir -p .build-fuzz/corpus-media
	.build-fuzz/custody-fuzz-media .build-fuzz/corpus-media -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-rss_limit_mb=2048

## fuzz-devices: libFuzzer over the Devices parsers (Ambarella and Hengan answers, SCSI INQUIRY, ZFY_INFO in
## both layouts, PTP containers and datasets, whole Ambarella, Hengan, JieLi and MTP exchanges with a fuzzed
## device) for FUZZ_SECONDS; not part of CI.
FUZZ_SYSTEM_INCLUDES = -I Sources/CLibUSB -I Sources/CLibUDev -Xcc -I/usr/include/libusb-1.0 \
                       -Xcc -fmodule-map-file=$(FUZZ_BUILD)/CSystemShims.build/module.modulemap \
                       -I .build-fuzz/checkouts/swift-system/Sources/CSystem/include
fuzz-devices: deps
	$(SWIFT) build --scratch-path .build-fuzz --target Devices -Xswiftc -sanitize=fuzzer -Xswiftc -enable-testing
	swiftc -sanitize=fuzzer -parse-as-library -enable-testing -I $(FUZZ_BUILD)/Modules $(FUZZ_SYSTEM_INCLUDES) \
		Fuzz/DevicesFuzz/main.swift $(FUZZ_BUILD)/Devices.build/*.o $(FUZZ_BUILD)/CameraVolumes.build/*.o \
		$(FUZZ_BUILD)/CustodyCore.build/*.o $(FUZZ_BUILD)/SystemPackage.build/*.o $(FUZZ_BUILD)/CSystem.build/*.o \
		$(FUZZ_BUILD)/CSystemShims.build/*.o -lusb-1.0 -ludev -o .build-fuzz/custody-fuzz-devices
	mkdir -p .build-fuzz/corpus-devices
	.build-fuzz/custody-fuzz-devices .build-fuzz/corpus-devices -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-rss_limit_mb=2048

## fuzz-volumes: libFuzzer over the camera-volume parsers (partition tables, FAT and exFAT boot
## sectors, directories, cluster chains) for FUZZ_SECONDS (default 60), seeded with the hostile
## corpus; not part of CI. SwiftPM builds the library instrumented; swiftc links the harness (libFuzzer
## brings main, which SwiftPM's executable linking does not allow).
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

## fuzz-control: libFuzzer over the control protocol (line framer, request and response decoding) for
## FUZZ_SECONDS (default 60), seeded with a few requests; not part of CI.
fuzz-control: deps
	$(SWIFT) build --scratch-path .build-fuzz --target ControlProtocol -Xswiftc -sanitize=fuzzer
	swiftc -sanitize=fuzzer -parse-as-library -I $(FUZZ_BUILD)/Modules Fuzz/ControlProtocolFuzz/main.swift \
		$(FUZZ_BUILD)/ControlProtocol.build/*.o $(FUZZ_BUILD)/CustodyCore.build/*.o -o .build-fuzz/custody-fuzz-control
	mkdir -p .build-fuzz/corpus-control
	printf '\001\000{"v":1,"id":"a","request":"list","device":"D","limit":5,"location":true}' >.build-fuzz/corpus-control/list
	printf '\001\000{"v":1,"request":"status","watch":true}' >.build-fuzz/corpus-control/watch
	printf '\000\010ab\r\ncd\nefghijklmnop\n\n' >.build-fuzz/corpus-control/lines
	.build-fuzz/custody-fuzz-control .build-fuzz/corpus-control -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-rss_limit_mb=2048

clean:
	rm -rf .build .build-fuzz .build-bench demo bench-work
