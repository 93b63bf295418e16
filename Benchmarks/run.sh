#!/usr/bin/env bash
# Custody performance benchmarks: four figures, each against its target.
#
#   Benchmarks/run.sh                 all of them
#   Benchmarks/run.sh import memory   a subset: any of  import | memory | small | list | probe | volumes
#
#   import  1 GiB in 8 files: `custodyd import` versus `cp -r` + `sync`     target ratio <= 1.5x
#           and versus the same disk work (cp -r, sync, read the copy back with O_DIRECT)  <= 1.2x;
#           CPU seconds and peak RSS of the import, and what the crypto passes cost (crypto-rates)
#   memory  one 4 GiB file: peak resident memory of `custodyd import`       target <= 64 MiB
#   small   10,000 files of 64 KiB: files per second                         target >= 1,000/s
#   list    `custodyd list` for one device-day on a 1,000,000-item catalog   target median <= 50 ms
#   probe   media probe of a ~200 MB MP4 (faststart and moov at end) through the store: median
#           time and bytes read (figures for issue 5; the test suite asserts < 2 % for faststart)
#   volumes a 1 GiB file from a FAT32 and an exFAT image: Custody's reader vs `dd` of the same bytes
#                                                                           target ratio <= 1.1x
#           import of that FAT32 image vs import of the same file from a directory  target <= 1.15x
#           policy: the access policy's cost on a 1,000-item page of that catalog   target <= 1 ms
#   content an export bag of 1 GiB in 8 files vs cp -r + sync; custody cat and custody play (loopback)
#           of 128 MiB vs reading the file (ratios)
#   rotate  `custodyd key rotate` of ROTATE_ITEMS (default 1,000,000) real wrapped keys: seconds, keys/s
#   dock    8 simulated recorders of 256 MiB docked at once into `custodyd run` (umockdev) versus one:
#           aggregate rate >= one device's rate; slowest bay <= 1.5x the mean; daemon peak RSS
#
# Everything happens under $BENCH_DIR (default: bench-work/ in the repository, git-ignored), on the
# same filesystem as the copies it compares against. Source data and stores are deleted at the end;
# the seeded 1,000,000-item catalog is kept, because seeding it takes minutes.
#
# Environment: BENCH_DIR (work directory), IMPORT_RUNS (1 GiB runs per side, default 3),
# LIST_RUNS (default 20), CATALOG_ITEMS (default 1000000), VOLUME_RUNS (default 5).
# Needs: swift, GNU coreutils, /usr/bin/time (Debian package `time`); root to drop the page cache.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-$REPO/bench-work}"
# A scratch path of our own, so a benchmark build never fights over .build/ with a debug build.
SCRATCH="$REPO/.build-bench"
LIST_RUNS="${LIST_RUNS:-20}"
IMPORT_RUNS="${IMPORT_RUNS:-3}"
CATALOG_ITEMS="${CATALOG_ITEMS:-1000000}"
VOLUME_RUNS="${VOLUME_RUNS:-5}"
ROTATE_ITEMS="${ROTATE_ITEMS:-1000000}"
MiB=$((1 << 20))
GiB=$((1 << 30))

# --- which benchmarks ------------------------------------------------------------------------------
ALL=(import memory small list probe volumes rotate dock content)
if (($# == 0)); then
    SELECTED=("${ALL[@]}")
else
    SELECTED=("$@")
    for name in "${SELECTED[@]}"; do
        case "$name" in
            import | memory | small | list | probe | volumes | rotate | dock | content) ;;
            *) echo "usage: $0 [import|memory|small|list|probe|volumes|rotate|dock|content]..." >&2; exit 64 ;;
        esac
    done
fi
wants() { local name; for name in "${SELECTED[@]}"; do [[ "$name" == "$1" ]] && return 0; done; return 1; }

# --- helpers ---------------------------------------------------------------------------------------
SUMMARY=()
note() { printf '\n== %s\n' "$*"; }

# Nanoseconds since the epoch; differences of two give wall time.
now_ns() { date +%s%N; }
# seconds_between START_NS END_NS -> seconds with 3 decimals
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
# calc EXPRESSION -> result with 2 decimals (bash has no floating point)
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
# verdict VALUE OP TARGET -> PASS or FAIL
verdict() { awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == "<=") ? v <= t : v >= t; print ok ? "PASS" : "FAIL" }'; }
# median and p95 of numbers on stdin (nearest rank)
median() { sort -n | awk '{ v[NR] = $1 } END { i = int((NR + 1) / 2); print v[i] }'; }
minimum() { sort -n | head -n 1; }
p95() { sort -n | awk '{ v[NR] = $1 } END { i = int(NR * 0.95 + 0.999999); if (i < 1) i = 1; print v[i] }'; }

# Every timed run starts from the same state: nothing dirty waiting to be written (otherwise the
# first command to sync would pay for the previous one's writes) and, where we may, an empty page
# cache (otherwise whichever command runs second reads its source from memory). Writing
# drop_caches needs root and a kernel that lets this container do it; when it cannot, say so in
# the summary, because then the comparisons favour whoever runs second.
CACHE_STATE="page cache dropped before each timed run"
cold_start() {
    sync
    if ! (echo 3 >/proc/sys/vm/drop_caches) 2>/dev/null; then
        CACHE_STATE="page cache could NOT be dropped (not root?): runs after the first may read from cache"
    fi
}

# A fresh, empty state directory (init is not part of any timing).
fresh_state() {
    rm -rf "$1"
    "$CUSTODYD" init --state "$1" >/dev/null
}

# import_timed STATE SOURCE DEVICE LOG -> sets IMPORT_SECONDS; fails loudly if anything did not verify.
import_timed() {
    local start end
    cold_start
    start=$(now_ns)
    "$CUSTODYD" import --state "$1" --device "$3" "$2" >"$4"
    end=$(now_ns)
    IMPORT_SECONDS=$(seconds_between "$start" "$end")
    tail -n 1 "$4"
}

# random_file PATH BYTES: incompressible content, so no layer (filesystem, virtual disk) can cheat.
random_file() { head -c "$2" /dev/urandom >"$1"; }

# Big files go at exit, also when a benchmark fails half-way; the seeded catalog stays.
cleanup() {
    rm -rf "$BENCH_DIR"/src-* "$BENCH_DIR"/state-* "$BENCH_DIR"/cp-* "$BENCH_DIR"/vol-*
}
trap cleanup EXIT

# --- build -----------------------------------------------------------------------------------------
note "building (release, scratch path $SCRATCH)"
# One build for everything: all products of the package, custodyd and custody-bench among them.
(cd "$REPO" && swift build -c release --scratch-path "$SCRATCH")
BIN="$(cd "$REPO" && swift build -c release --scratch-path "$SCRATCH" --show-bin-path)"
CUSTODYD="$BIN/custodyd"
BENCH="$BIN/custody-bench"
mkdir -p "$BENCH_DIR"
cleanup  # leftovers of an interrupted earlier run would skew disk usage and timings
echo "work directory: $BENCH_DIR ($(df -h --output=source,fstype,avail "$BENCH_DIR" | tail -n 1))"

# --- a. 1 GiB in 8 files: custody versus cp + sync -------------------------------------------------
if wants import; then
    note "import: 1 GiB in 8 files of 128 MiB, custodyd import vs cp -r + sync"
    SRC="$BENCH_DIR/src-1g"
    mkdir -p "$SRC"
    start=$(now_ns)
    for i in 1 2 3 4 5 6 7 8; do random_file "$SRC/clip$i.mp4" $((128 * MiB)); done
    echo "made 8 x 128 MiB from /dev/urandom in $(seconds_between "$start" "$(now_ns)") s"

    # Single runs on this kind of virtual disk vary by +-30%, so both sides run IMPORT_RUNS times,
    # alternating (cp, custody, cp, custody, ...), and the medians are compared. Neither side leaves
    # dirty pages behind (sync / syncfs) and the cache is dropped before each run, so order matters little.
    : >"$BENCH_DIR/import-1g-cp-s.txt"
    : >"$BENCH_DIR/import-1g-custody-s.txt"
    : >"$BENCH_DIR/import-1g-cpread-s.txt"
    : >"$BENCH_DIR/import-1g-rss-kb.txt"
    : >"$BENCH_DIR/import-1g-cpu-s.txt"
    for ((run = 1; run <= IMPORT_RUNS; run++)); do
        cold_start
        start=$(now_ns)
        cp -r "$SRC" "$BENCH_DIR/cp-1g"
        sync  # cp returns before the data is on disk; custody's figure includes making it durable
        end=$(now_ns)
        echo "$(seconds_between "$start" "$end")" >>"$BENCH_DIR/import-1g-cp-s.txt"
        # The like-for-like baseline: a copy that is also read back from the disk, as custody's is,
        # with the page cache bypassed (O_DIRECT) so the read really goes to the disk.
        for copy in "$BENCH_DIR"/cp-1g/*; do dd if="$copy" of=/dev/null bs=8M iflag=direct status=none; done
        echo "$(seconds_between "$start" "$(now_ns)")" >>"$BENCH_DIR/import-1g-cpread-s.txt"
        rm -rf "$BENCH_DIR/cp-1g"

        fresh_state "$BENCH_DIR/state-1g"
        cold_start
        start=$(now_ns)
        # %M peak RSS (KiB), %U user and %S system CPU seconds: how much of the cores the import used.
        /usr/bin/time -f '%M %U %S' -o "$BENCH_DIR/time-1g.txt" \
            "$CUSTODYD" import --state "$BENCH_DIR/state-1g" --device BENCH1G "$SRC" >"$BENCH_DIR/import-1g.log"
        IMPORT_SECONDS=$(seconds_between "$start" "$(now_ns)")
        echo "$IMPORT_SECONDS" >>"$BENCH_DIR/import-1g-custody-s.txt"
        read -r peak user system <"$BENCH_DIR/time-1g.txt"
        echo "$peak" >>"$BENCH_DIR/import-1g-rss-kb.txt"
        calc "$user + $system" >>"$BENCH_DIR/import-1g-cpu-s.txt"
        echo >>"$BENCH_DIR/import-1g-cpu-s.txt"
        rm -rf "$BENCH_DIR/state-1g"
        echo "run $run: cp -r + sync $(tail -n 1 "$BENCH_DIR/import-1g-cp-s.txt") s, custodyd import $IMPORT_SECONDS s ($(tail -n 1 "$BENCH_DIR/import-1g.log"))"
    done
    rm -rf "$SRC"
    CP_SECONDS=$(median <"$BENCH_DIR/import-1g-cp-s.txt")
    IMPORT_SECONDS=$(median <"$BENCH_DIR/import-1g-custody-s.txt")

    # Custody does more than cp by design: it encrypts, hashes twice, and reads every object back
    # from disk (page cache dropped) before calling it verified. 1.5x is the budget for that.
    ratio=$(calc "$IMPORT_SECONDS / $CP_SECONDS")
    SUMMARY+=("import 1 GiB/8 files (median of $IMPORT_RUNS): custody $IMPORT_SECONDS s ($(calc "1024 / $IMPORT_SECONDS") MiB/s), cp+sync $CP_SECONDS s, ratio ${ratio}x (target <= 1.5x: $(verdict "$ratio" '<=' 1.5))")
    CPREAD_SECONDS=$(median <"$BENCH_DIR/import-1g-cpread-s.txt")
    ratio=$(calc "$IMPORT_SECONDS / $CPREAD_SECONDS")
    SUMMARY+=("import 1 GiB/8 files vs cp+sync+read back with the cache bypassed (the same disk work as custody's verified copy): $CPREAD_SECONDS s, ratio ${ratio}x (target <= 1.2x: $(verdict "$ratio" '<=' 1.2))")
    CPU_SECONDS=$(median <"$BENCH_DIR/import-1g-cpu-s.txt")
    PEAK_1G=$(median <"$BENCH_DIR/import-1g-rss-kb.txt")
    "$BENCH" crypto-rates 1024 | tee "$BENCH_DIR/crypto.log"
    crypto=$(grep '^RESULT' "$BENCH_DIR/crypto.log")
    CRYPTO_CPU=$(sed -E 's/.*cpu_seconds=([0-9.]+).*/\1/' <<<"$crypto")
    SUMMARY+=("import 1 GiB/8 files, where the time goes: $CPU_SECONDS CPU s in $IMPORT_SECONDS s wall = $(calc "$CPU_SECONDS / $IMPORT_SECONDS") of $(nproc) cores; the five crypto passes alone (3 x SHA-256, GCM seal and open: $(grep '^crypto-rates' "$BENCH_DIR/crypto.log" | sed 's/^crypto-rates (one core, 1 MiB segments): //')) cost $CRYPTO_CPU CPU s; the rest is the kernel's copy and I/O; disk alone (cp + sync + direct read) $CPREAD_SECONDS s; peak RSS $PEAK_1G KB")
fi

# --- b. one 4 GiB file: peak memory and throughput -------------------------------------------------
if wants memory; then
    note "memory: one 4 GiB file, peak RSS of custodyd import"
    SRC="$BENCH_DIR/src-4g"
    mkdir -p "$SRC"
    # Real random content, not a sparse file: a sparse file reads as zeros straight from the page
    # cache's zero page, which would flatter the read side. /dev/urandom makes 4 GiB in well under
    # a minute on this machine (the time is printed).
    start=$(now_ns)
    random_file "$SRC/disk.img" $((4 * GiB))
    echo "made 4 GiB from /dev/urandom in $(seconds_between "$start" "$(now_ns)") s"

    fresh_state "$BENCH_DIR/state-4g"
    cold_start
    start=$(now_ns)
    # %M: maximum resident set size in KiB over the process's life (GNU time). Whatever the file
    # size, it should stay near the two 8 MiB blocks the writer and verifier hold, plus the runtime.
    /usr/bin/time -f '%M' -o "$BENCH_DIR/time-4g.txt" \
        "$CUSTODYD" import --state "$BENCH_DIR/state-4g" --device BENCH4G "$SRC" >"$BENCH_DIR/import-4g.log"
    end=$(now_ns)
    SECONDS_4G=$(seconds_between "$start" "$end")
    PEAK_KB=$(tail -n 1 "$BENCH_DIR/time-4g.txt")
    tail -n 1 "$BENCH_DIR/import-4g.log"
    rm -rf "$BENCH_DIR/state-4g" "$SRC"

    peak_mib=$(calc "$PEAK_KB / 1024")
    SUMMARY+=("import 4 GiB/1 file: peak RSS $PEAK_KB KB = $peak_mib MiB (target <= 64 MiB: $(verdict "$peak_mib" '<=' 64)), $SECONDS_4G s, $(calc "4096 / $SECONDS_4G") MiB/s")
fi

# --- c. 10,000 files of 64 KiB: files per second ---------------------------------------------------
if wants small; then
    note "small: 10,000 files of 64 KiB"
    SRC="$BENCH_DIR/src-small"
    mkdir -p "$SRC"
    # One stream from /dev/urandom cut into 10,000 pieces: far quicker than 10,000 `head` processes.
    start=$(now_ns)
    head -c $((10000 * 64 * 1024)) /dev/urandom | (cd "$SRC" && split -b 64K -d -a 5 --additional-suffix=.jpg - IMG_)
    echo "made $(find "$SRC" -type f | wc -l) files in $(seconds_between "$start" "$(now_ns)") s"

    fresh_state "$BENCH_DIR/state-small"
    import_timed "$BENCH_DIR/state-small" "$SRC" BENCHSMALL "$BENCH_DIR/import-small.log"
    rm -rf "$BENCH_DIR/state-small" "$SRC"

    rate=$(calc "10000 / $IMPORT_SECONDS")
    SUMMARY+=("import 10,000 x 64 KiB: $IMPORT_SECONDS s, $rate files/s (target >= 1000/s: $(verdict "$rate" '>=' 1000))")
fi

# --- d. list on a 1,000,000-item catalog -----------------------------------------------------------
if wants list; then
    note "list: one device-day on a catalog of $CATALOG_ITEMS items"
    CATALOG="$BENCH_DIR/catalog-$CATALOG_ITEMS"
    # The marker is written only after seeding finished, so an interrupted seed is redone, not reused.
    if [[ ! -f "$CATALOG/.seeded" ]]; then
        rm -rf "$CATALOG"
        "$BENCH" seed-catalog "$CATALOG" "$CATALOG_ITEMS"
        touch "$CATALOG/.seeded"
    else
        echo "reusing the seeded catalog in $CATALOG ($(du -sh "$CATALOG" | cut -f1))"
    fi
    # Synthetic items cover 2024-01-01 ... 2024-12-30 over DEV0000 ... DEV0049: a mid-year day of one device.
    DEVICE=DEV0007
    DAY=2024-07-01
    NEXT_DAY=$(date -u -d "$DAY + 1 day" +%F)
    LIST=("$CUSTODYD" list --state "$CATALOG" --device "$DEVICE" --from "$DAY" --to "$NEXT_DAY")
    echo "query: ${LIST[*]#"$BIN/"}  ->  $("${LIST[@]}" | tail -n 1)"  # also the warm-up run

    # The whole CLI, as an operator sees it: process start, open, query, audit entry (a synchronous
    # commit), printing. Cache is warm on purpose: this is the repeated-query latency.
    : >"$BENCH_DIR/list-cli-ms.txt"
    for ((run = 0; run < LIST_RUNS; run++)); do
        start=$(now_ns)
        "${LIST[@]}" >/dev/null
        end=$(now_ns)
        awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f\n", (b - a) / 1e6 }' >>"$BENCH_DIR/list-cli-ms.txt"
    done
    CLI_MEDIAN=$(median <"$BENCH_DIR/list-cli-ms.txt")
    CLI_P95=$(p95 <"$BENCH_DIR/list-cli-ms.txt")
    echo "custodyd list, $LIST_RUNS runs (ms): $(sort -n "$BENCH_DIR/list-cli-ms.txt" | tr '\n' ' ')"

    # The same query on an empty catalog separates the fixed per-process cost from the query's.
    fresh_state "$BENCH_DIR/state-empty"
    : >"$BENCH_DIR/list-empty-ms.txt"
    for ((run = 0; run < LIST_RUNS; run++)); do
        start=$(now_ns)
        "$CUSTODYD" list --state "$BENCH_DIR/state-empty" --device "$DEVICE" --from "$DAY" --to "$NEXT_DAY" >/dev/null
        end=$(now_ns)
        awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f\n", (b - a) / 1e6 }' >>"$BENCH_DIR/list-empty-ms.txt"
    done
    EMPTY_MEDIAN=$(median <"$BENCH_DIR/list-empty-ms.txt")
    rm -rf "$BENCH_DIR/state-empty"

    # In-process: the catalog query alone (no process start, no audit write).
    "$BENCH" list-latency "$CATALOG" "$DEVICE" "$DAY" "$LIST_RUNS" | tee "$BENCH_DIR/list-inprocess.txt"
    result=$(grep '^RESULT' "$BENCH_DIR/list-inprocess.txt")
    IN_MEDIAN=$(sed -E 's/.*median_ms=([0-9.]+).*/\1/' <<<"$result")
    IN_P95=$(sed -E 's/.*p95_ms=([0-9.]+).*/\1/' <<<"$result")
    ITEMS=$(sed -E 's/.*items=([0-9]+).*/\1/' <<<"$result")

    SUMMARY+=("list 1 device-day ($ITEMS items) of $CATALOG_ITEMS: CLI median $CLI_MEDIAN ms, p95 $CLI_P95 ms (target <= 50 ms: $(verdict "$CLI_MEDIAN" '<=' 50)); in-process median $IN_MEDIAN ms, p95 $IN_P95 ms (target <= 50 ms: $(verdict "$IN_MEDIAN" '<=' 50)); CLI on an empty catalog $EMPTY_MEDIAN ms")
    note "policy: what the access policy adds to a 1,000-item list page of $CATALOG_ITEMS items"
    "$BENCH" policy-list "$CATALOG" "$LIST_RUNS" | tee "$BENCH_DIR/policy-list.txt"
    result=$(grep '^RESULT' "$BENCH_DIR/policy-list.txt")
    DECIDE=$(sed -E 's/.*decide_ms=([0-9.]+).*/\1/' <<<"$result")
    BARE=$(sed -E 's/.*bare_ms=([0-9.]+).*/\1/' <<<"$result")
    SCOPED=$(sed -E 's/.*scoped_ms=([0-9.]+).*/\1/' <<<"$result")
    SUMMARY+=("policy on a 1,000-item list of $CATALOG_ITEMS: caller resolution + decision $DECIDE ms (target <= 1 ms: $(verdict "$DECIDE" '<=' 1)); reviewer-scoped query $SCOPED ms vs bare $BARE ms")
    note "review: the review queue, a due-before query and claiming the next item at $CATALOG_ITEMS items"
    "$BENCH" review-queue "$CATALOG" "$LIST_RUNS" | tee "$BENCH_DIR/review-queue.txt"
    result=$(grep '^RESULT' "$BENCH_DIR/review-queue.txt")
    QUEUE=$(sed -E 's/.*queue_reviewer_ms=([0-9.]+).*/\1/' <<<"$result")
    QUEUE_ADMIN=$(sed -E 's/.*queue_admin_ms=([0-9.]+).*/\1/' <<<"$result")
    DUE=$(sed -E 's/.*due_before_ms=([0-9.]+).*/\1/' <<<"$result")
    CLAIM=$(sed -E 's/.*claim_next_ms=([0-9.]+).*/\1/' <<<"$result")
    PREVIEW=$(sed -E 's/.*preview_ms=([0-9.]+).*/\1/' <<<"$result")
    SUMMARY+=("review at $CATALOG_ITEMS items: queue first page $QUEUE ms as reviewer, $QUEUE_ADMIN ms as administrator (target < 50 ms: $(verdict "$QUEUE" '<=' 50)); due-before page $DUE ms (target < 50 ms: $(verdict "$DUE" '<=' 50)); claim next $CLAIM ms (target < 10 ms: $(verdict "$CLAIM" '<=' 10)); dry run of a retention change over every item $PREVIEW ms")
    note "list-page: a paged list page after a deep cursor, and the first page with its total, at $CATALOG_ITEMS items"
    "$BENCH" list-page "$CATALOG" "$LIST_RUNS" | tee "$BENCH_DIR/list-page.txt"
    result=$(grep '^RESULT' "$BENCH_DIR/list-page.txt")
    PAGE_ADMIN=$(sed -E 's/.*admin_page_ms=([0-9.]+).*/\1/' <<<"$result")
    PAGE_REVIEWER=$(sed -E 's/.*reviewer_page_ms=([0-9.]+).*/\1/' <<<"$result")
    PAGE_TOTAL=$(sed -E 's/.*admin_total_ms=([0-9.]+).*/\1/' <<<"$result")
    PAGE_RTOTAL=$(sed -E 's/.*reviewer_total_ms=([0-9.]+).*/\1/' <<<"$result")
    SUMMARY+=("list paging at $CATALOG_ITEMS items: page after a deep cursor $PAGE_ADMIN ms as administrator, $PAGE_REVIEWER ms as reviewer (target < 50 ms: $(verdict "$PAGE_REVIEWER" '<=' 50)); first page with total $PAGE_TOTAL ms administrator, $PAGE_RTOTAL ms reviewer")
    note "report: the supervision report over every item at $CATALOG_ITEMS items and 10,000 dock sessions"
    "$BENCH" report "$CATALOG" 3 10000 | tee "$BENCH_DIR/report.txt"
    result=$(grep '^RESULT' "$BENCH_DIR/report.txt")
    REPORT_ADMIN=$(sed -E 's/.*report_admin_ms=([0-9.]+).*/\1/' <<<"$result")
    REPORT_REVIEWER=$(sed -E 's/.*report_reviewer_ms=([0-9.]+).*/\1/' <<<"$result")
    REPORT_DOCKS=$(sed -E 's/.*dock_facts_ms=([0-9.]+).*/\1/' <<<"$result")
    SUMMARY+=("report over $CATALOG_ITEMS items and 10,000 dock sessions: $REPORT_ADMIN ms as administrator, $REPORT_REVIEWER ms as reviewer (target < 2000 ms: $(verdict "$REPORT_ADMIN" '<=' 2000)); the dock sessions read from the audit log $REPORT_DOCKS ms of it")
    note "retention: one retention pass over $CATALOG_ITEMS items while small writes commit beside it"
    "$BENCH" retention-pass "$CATALOG" | tee "$BENCH_DIR/retention-pass.txt"
    result=$(grep '^RESULT' "$BENCH_DIR/retention-pass.txt")
    PASS_FIRST=$(sed -E 's/.*first_s=([0-9.]+).*/\1/' <<<"$result")
    PASS_STEADY=$(sed -E 's/.*steady_s=([0-9.]+).*/\1/' <<<"$result")
    PASS_P99=$(sed -E 's/.*write_p99_ms=([0-9.]+).*/\1/' <<<"$result")
    PASS_MAX=$(sed -E 's/.*write_max_ms=([0-9.]+).*/\1/' <<<"$result")
    PASS_RECOMPUTE=$(sed -E 's/.*recompute_s=([0-9.]+).*/\1/' <<<"$result")
    SUMMARY+=("retention pass over $CATALOG_ITEMS items: $PASS_FIRST s marking all due, $PASS_STEADY s steady; a concurrent write waits p99 $PASS_P99 ms, max $PASS_MAX ms (target: ingest not blocked, max < 250 ms: $(verdict "$PASS_MAX" '<=' 250)); every due date recomputed (audit verify's check) $PASS_RECOMPUTE s")
    note "shred: crypto-shredding 10,000 items of a seeded catalog (keys erased, WAL truncated, objects overwritten and unlinked)"
    SHRED_STATE="$BENCH_DIR/state-shred"
    rm -rf "$SHRED_STATE"
    "$BENCH" seed-catalog "$SHRED_STATE" 20000 >/dev/null
    "$BENCH" shred "$SHRED_STATE" 10000 | tee "$BENCH_DIR/shred.txt"
    result=$(grep '^RESULT' "$BENCH_DIR/shred.txt")
    SHRED_TOTAL=$(sed -E 's/.*total_s=([0-9.]+).*/\1/' <<<"$result")
    SHRED_EACH=$(sed -E 's/.*per_item_ms=([0-9.]+).*/\1/' <<<"$result")
    SUMMARY+=("shred of 10,000 items: $SHRED_TOTAL s, $SHRED_EACH ms per item")
    rm -rf "$SHRED_STATE"
fi

# --- e. media probe through the store ---------------------------------------------------------------
if wants probe; then
    note "probe: ~200 MB MP4, faststart and moov at end, probed through the decrypting store reader"
    PROBE_SRC="$BENCH_DIR/probe-src"
    rm -rf "$PROBE_SRC"
    bash "$REPO/fixtures/make-probe-media.sh" "$PROBE_SRC" --large
    fresh_state "$BENCH_DIR/state-probe"
    "$CUSTODYD" import --state "$BENCH_DIR/state-probe" "$PROBE_SRC" >/dev/null
    "$BENCH" probe-latency "$BENCH_DIR/state-probe" 9 | tee "$BENCH_DIR/probe.log"
    while read -r line; do SUMMARY+=("$line"); done < <(grep '^probe ' "$BENCH_DIR/probe.log")
    rm -rf "$PROBE_SRC" "$BENCH_DIR/state-probe"
fi

# --- f. camera volumes: the reader against dd, image import against directory import -------------
if wants volumes; then
    note "volumes: a 1 GiB file on FAT32 and exFAT images, Custody's reader vs dd; image vs directory import"
    IMAGES=(FAT32:"$BENCH_DIR/vol-fat32.img")
    start=$(now_ns)
    bash "$REPO/fixtures/volumes/make-image.sh" fat32-big "$BENCH_DIR/vol-fat32.img"
    # exFAT content goes in through exfat-fuse on a loop device: root only.
    if [[ $(id -u) == 0 ]]; then
        bash "$REPO/fixtures/volumes/make-image.sh" exfat-1g "$BENCH_DIR/vol-exfat.img"
        IMAGES+=(exFAT:"$BENCH_DIR/vol-exfat.img")
    else
        SUMMARY+=("volumes: exFAT skipped (making its image needs root for exfat-fuse)")
    fi
    echo "made the images in $(seconds_between "$start" "$(now_ns)") s"

    for entry in "${IMAGES[@]}"; do
        kind="${entry%%:*}"
        image="${entry#*:}"
        : >"$BENCH_DIR/vol-reader-s.txt"
        : >"$BENCH_DIR/vol-dd-s.txt"
        # Reader and dd take turns going first, so neither always follows the other's writeback.
        for ((run = 1; run <= VOLUME_RUNS; run++)); do
            for side in $( ((run % 2)) && echo "reader dd" || echo "dd reader"); do
                cold_start
                if [[ $side == reader ]]; then
                    result=$("$BENCH" read-volume "$image" BIG.MP4 | grep '^RESULT')
                    reader=$(sed -E 's/^RESULT seconds=([0-9.]+).*/\1/' <<<"$result")
                    first=$(sed -E 's/.*first_offset=([0-9]+).*/\1/' <<<"$result")
                    span=$(sed -E 's/.*span=([0-9]+).*/\1/' <<<"$result")
                    extents=$(sed -E 's/.*extents=([0-9]+).*/\1/' <<<"$result")
                else
                    if [[ -z "${span:-}" ]]; then  # the range comes from the reader: ask it once first
                        result=$("$BENCH" read-volume "$image" BIG.MP4 | grep '^RESULT')
                        first=$(sed -E 's/.*first_offset=([0-9]+).*/\1/' <<<"$result")
                        span=$(sed -E 's/.*span=([0-9]+).*/\1/' <<<"$result")
                        cold_start
                    fi
                    start=$(now_ns)
                    dd if="$image" of=/dev/null bs=8M iflag=skip_bytes,count_bytes skip="$first" count="$span" \
                        status=none
                    dd_seconds=$(seconds_between "$start" "$(now_ns)")
                fi
            done
            echo "$reader" >>"$BENCH_DIR/vol-reader-s.txt"
            echo "$dd_seconds" >>"$BENCH_DIR/vol-dd-s.txt"
            echo "$kind run $run: reader $reader s, dd $dd_seconds s ($extents extents, $span bytes from byte $first)"
        done
        unset span
        READER_SECONDS=$(median <"$BENCH_DIR/vol-reader-s.txt")
        DD_SECONDS=$(median <"$BENCH_DIR/vol-dd-s.txt")
        ratio=$(calc "$READER_SECONDS / $DD_SECONDS")
        # The best of each side too: on a shared machine, the least disturbed runs.
        best=$(calc "$(minimum <"$BENCH_DIR/vol-reader-s.txt") / $(minimum <"$BENCH_DIR/vol-dd-s.txt")")
        SUMMARY+=("volumes: 1 GiB from a $kind image (median of $VOLUME_RUNS): reader $READER_SECONDS s ($(calc "1024 / $READER_SECONDS") MiB/s), dd of the same $extents extent(s) $DD_SECONDS s, ratio ${ratio}x (target <= 1.1x: $(verdict "$ratio" '<=' 1.1)); best of each ${best}x")
    done

    # End to end: the FAT32 image, and the same file copied out of it by mtools into a directory.
    mkdir -p "$BENCH_DIR/vol-dir"
    MTOOLS_SKIP_CHECK=1 mcopy -n -m -i "$BENCH_DIR/vol-fat32.img" ::/BIG.MP4 "$BENCH_DIR/vol-dir/"
    : >"$BENCH_DIR/vol-import-image-s.txt"
    : >"$BENCH_DIR/vol-import-dir-s.txt"
    for ((run = 1; run <= VOLUME_RUNS; run++)); do
        fresh_state "$BENCH_DIR/state-vol"
        import_timed "$BENCH_DIR/state-vol" "$BENCH_DIR/vol-fat32.img" BENCHVOL "$BENCH_DIR/vol-import.log" >/dev/null
        echo "$IMPORT_SECONDS" >>"$BENCH_DIR/vol-import-image-s.txt"
        image_seconds=$IMPORT_SECONDS
        fresh_state "$BENCH_DIR/state-vol"
        import_timed "$BENCH_DIR/state-vol" "$BENCH_DIR/vol-dir" BENCHVOL "$BENCH_DIR/vol-import.log" >/dev/null
        echo "$IMPORT_SECONDS" >>"$BENCH_DIR/vol-import-dir-s.txt"
        echo "run $run: import of the image $image_seconds s, of the directory $IMPORT_SECONDS s"
    done
    IMAGE_SECONDS=$(median <"$BENCH_DIR/vol-import-image-s.txt")
    DIR_SECONDS=$(median <"$BENCH_DIR/vol-import-dir-s.txt")
    rm -rf "$BENCH_DIR/state-vol" "$BENCH_DIR"/vol-*
    ratio=$(calc "$IMAGE_SECONDS / $DIR_SECONDS")
    SUMMARY+=("volumes: import of a FAT32 image holding 1 GiB (median of $VOLUME_RUNS) $IMAGE_SECONDS s, of the same file from a directory $DIR_SECONDS s, ratio ${ratio}x (target <= 1.15x: $(verdict "$ratio" '<=' 1.15))")
fi

# --- key rotation ----------------------------------------------------------------------------------
if wants rotate; then
    note "rotate: rewrap $ROTATE_ITEMS data keys under a new KEK"
    rm -rf "$BENCH_DIR/state-rotate"
    "$BENCH" rotate "$BENCH_DIR/state-rotate" "$ROTATE_ITEMS" | tee "$BENCH_DIR/rotate.log"
    rm -rf "$BENCH_DIR/state-rotate"
    SUMMARY+=("rotate: $(grep '^rotate [0-9]' "$BENCH_DIR/rotate.log")")
fi

if wants dock; then
    note "dock: 1 and then 8 simulated recorders of ${DOCK_MIB:-256} MiB each into custodyd run"
    # custody-bench finds the release custodyd beside itself; its scratch goes under BENCH_DIR.
    TMPDIR="$BENCH_DIR" "$BENCH" dock 1 "${DOCK_MIB:-256}" | tee "$BENCH_DIR/dock-1.log"
    TMPDIR="$BENCH_DIR" "$BENCH" dock 8 "${DOCK_MIB:-256}" | tee "$BENCH_DIR/dock-8.log"
    single=$(awk '/^aggregate:/ { print $(NF-1) }' "$BENCH_DIR/dock-1.log")
    aggregate=$(awk '/^aggregate:/ { print $(NF-1) }' "$BENCH_DIR/dock-8.log")
    spread=$(awk '/^slowest bay/ { print $NF }' "$BENCH_DIR/dock-8.log")
    peak=$(awk '/^daemon peak RSS/ { print $4 }' "$BENCH_DIR/dock-8.log")
    SUMMARY+=("dock: 8 x ${DOCK_MIB:-256} MiB at once $aggregate MB/s aggregate vs one device $single MB/s (target aggregate >= single: $(verdict "$aggregate" '>=' "$single")); slowest bay ${spread}x the mean (target <= 1.5x: $(verdict "$spread" '<=' 1.5)); daemon peak RSS $peak MiB")
fi

# --- h. content out of the store: an export bag vs cp, playback vs reading the file ---------------
if wants content; then
    note "content: export of 1 GiB in 8 files vs cp -r + sync; cat and loopback playback of 128 MiB vs cat of the file"
    SRC="$BENCH_DIR/src-content"
    STATE="$BENCH_DIR/state-content"
    mkdir -p "$SRC"
    for i in 1 2 3 4 5 6 7 8; do random_file "$SRC/clip$i.mp4" $((128 * MiB)); done
    fresh_state "$STATE"
    "$CUSTODYD" import --state "$STATE" --device BENCH01 "$SRC" | tail -n 1
    # The daemon, its socket open to root and to group custody-admin, whose member approves.
    groupadd -f custody-admin
    SOCKET="$BENCH_DIR/cp-content.sock"
    cat >"$BENCH_DIR/state-content.toml" <<TOML
[store]
state_directory = "$STATE"
[control]
socket = "$SOCKET"
group = "custody-admin"
allowed_groups = ["custody-admin"]
[devices]
enabled = false
[fixity]
enabled = false
TOML
    "$CUSTODYD" run --config "$BENCH_DIR/state-content.toml" 2>"$BENCH_DIR/content-daemon.log" &
    DAEMON=$!
    for _ in $(seq 100); do [[ -S "$SOCKET" ]] && break; sleep 0.1; done
    CUSTODY="$BIN/custody"
    APPROVER=(setpriv --reuid 65534 --regid custody-admin --clear-groups --)
    IDS=$("$CUSTODY" list --socket "$SOCKET" --json | python3 -c 'import json,sys; print(" ".join(i["id"] for i in json.load(sys.stdin)["items"]))')
    : >"$BENCH_DIR/content-export-s.txt"
    : >"$BENCH_DIR/content-cp-s.txt"
    for ((run = 1; run <= IMPORT_RUNS; run++)); do
        # shellcheck disable=SC2086
        EXPORT=$("$CUSTODY" export request $IDS --recipient bench --purpose bench --socket "$SOCKET" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
        "${APPROVER[@]}" "$CUSTODY" export approve "$EXPORT" --socket "$SOCKET" >/dev/null
        cold_start
        start=$(now_ns)
        cp -r "$SRC" "$BENCH_DIR/cp-content" && sync
        echo "$(seconds_between "$start" "$(now_ns)")" >>"$BENCH_DIR/content-cp-s.txt"
        rm -rf "$BENCH_DIR/cp-content"
        cold_start
        start=$(now_ns)
        "$CUSTODY" export write "$EXPORT" --to "$BENCH_DIR/cp-bag" --socket "$SOCKET" >/dev/null
        echo "$(seconds_between "$start" "$(now_ns)")" >>"$BENCH_DIR/content-export-s.txt"
        rm -rf "$BENCH_DIR/cp-bag"
    done
    EXPORT_S=$(median <"$BENCH_DIR/content-export-s.txt")
    CP_S=$(median <"$BENCH_DIR/content-cp-s.txt")
    echo "export write (s): $(tr '\n' ' ' <"$BENCH_DIR/content-export-s.txt"); cp -r + sync (s): $(tr '\n' ' ' <"$BENCH_DIR/content-cp-s.txt")"
    FIRST=${IDS%% *}
    : >"$BENCH_DIR/content-cat-s.txt"
    : >"$BENCH_DIR/content-play-s.txt"
    : >"$BENCH_DIR/content-file-s.txt"
    FETCH='import sys, urllib.request
r = urllib.request.urlopen(sys.argv[1])
while r.read(1 << 20): pass'
    for ((run = 1; run <= IMPORT_RUNS; run++)); do
        cold_start
        start=$(now_ns)
        cat "$SRC/clip1.mp4" >/dev/null
        echo "$(seconds_between "$start" "$(now_ns)")" >>"$BENCH_DIR/content-file-s.txt"
        cold_start
        start=$(now_ns)
        "$CUSTODY" cat "$FIRST" --socket "$SOCKET" >/dev/null
        echo "$(seconds_between "$start" "$(now_ns)")" >>"$BENCH_DIR/content-cat-s.txt"
        cold_start
        start=$(now_ns)
        "$CUSTODY" play "$FIRST" --socket "$SOCKET" --player "python3 -c '$FETCH' {url}" 2>/dev/null
        echo "$(seconds_between "$start" "$(now_ns)")" >>"$BENCH_DIR/content-play-s.txt"
    done
    kill -TERM "$DAEMON"; wait "$DAEMON" || true
    FILE_S=$(median <"$BENCH_DIR/content-file-s.txt")
    CAT_S=$(median <"$BENCH_DIR/content-cat-s.txt")
    PLAY_S=$(median <"$BENCH_DIR/content-play-s.txt")
    echo "128 MiB: cat of the file (s): $(tr '\n' ' ' <"$BENCH_DIR/content-file-s.txt"); custody cat: $(tr '\n' ' ' <"$BENCH_DIR/content-cat-s.txt"); custody play (loopback, python reader): $(tr '\n' ' ' <"$BENCH_DIR/content-play-s.txt")"
    SUMMARY+=("export 1 GiB in 8 files: median $EXPORT_S s vs cp -r + sync $CP_S s, ratio $(calc "$EXPORT_S / $CP_S"); 128 MiB playback: custody cat $CAT_S s ($(calc "128 / $CAT_S") MiB/s), custody play $PLAY_S s ($(calc "128 / $PLAY_S") MiB/s) vs reading the file $FILE_S s: ratios $(calc "$CAT_S / $FILE_S") and $(calc "$PLAY_S / $FILE_S")")
fi

# --- summary ---------------------------------------------------------------------------------------
note "summary ($(nproc) cores, $(uname -r); $CACHE_STATE)"
for line in "${SUMMARY[@]}"; do echo "$line"; done
