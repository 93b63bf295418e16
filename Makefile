# Custody — the two commands a new machine needs: `make demo` and `make test`.
# Both install what is missing (Debian packages, the Python test dependency), then build.

SWIFT        ?= swift
DEMO_STATE   ?= $(CURDIR)/demo/state
CUSTODYD      = $(CURDIR)/.build/debug/custodyd
APT_PACKAGES  = libssl-dev libsqlite3-dev pkg-config python3 python3-pip util-linux mount \
               dosfstools mtools exfatprogs exfat-fuse fdisk
BENCH_PACKAGES = time

.PHONY: deps build demo test bench clean

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

clean:
	rm -rf .build demo bench-work
