// custody-bench: in-process benchmarks that the CLI cannot do on its own.
//
//   custody-bench seed-catalog STATE_DIR COUNT [DEVICES] [DAYS]
//       Creates a state directory and fills its catalog with COUNT synthetic items, so that `list`
//       can be measured on a catalog of realistic size without importing a million real files.
//   custody-bench list-latency STATE_DIR DEVICE DAY RUNS [LIMIT]
//       Times the query behind `custodyd list --device DEVICE --from DAY --to DAY+1`, in-process,
//       so the figure excludes process start-up, argument parsing and the audit write.
//   custody-bench probe-latency STATE_DIR RUNS
//       Probes every item of a state directory RUNS times through the store's decrypting reader,
//       and prints each item's median probe time and the bytes the probe read.
//   custody-bench policy-list STATE_DIR RUNS
//       On a seeded catalog: what the access policy adds to a 1,000-item `list` page, as an
//       administrator, a reviewer of one unit of ten and an officer, against the bare query.
//   custody-bench review-queue STATE_DIR RUNS
//   custody-bench list-page STATE_DIR RUNS
//   custody-bench report STATE_DIR RUNS [SESSIONS]
//       On a catalog policy-list prepared: the first page of the review queue (reviewer, administrator),
//       a due-before list page and claiming the next item, through Operations.
//   custody-bench retention-pass STATE_DIR
//       On a seeded catalog: one retention pass marking every item due, and a steady-state pass,
//       each while another thread commits small writes; prints the pass times and the writes' waits.
//   custody-bench shred STATE_DIR COUNT
//       On a seeded state directory: COUNT items given 64 KiB objects, requested, approved with no
//       grace period, then crypto-shredded as the shred service does it; prints the time.
//   custody-bench read-volume IMAGE PATH
//       Reads one file of a FAT or exFAT image through Custody's volume reader (8 MiB reads, as the
//       importer does) and prints the time and where its bytes lie, so `dd` can read the same range.
//   custody-bench crypto-rates MIB
//       Times SHA-256, AES-256-GCM seal and open on one core and prints what the five passes ingest
//       makes over every byte (3 x SHA-256, seal, open) cost in CPU seconds for MIB MiB.
//   custody-bench dock BAYS MIB_PER_BAY
//       Docks BAYS simulated recorders at once into a real `custodyd run` (umockdev; needs the
//       release custodyd beside this binary) and prints per-bay and aggregate ingest rates and the
//       daemon's peak memory.
//
// Kept free of ArgumentParser on purpose: the benchmark should not pull in more than it measures.
// Run it through Benchmarks/run.sh, which builds it in release mode.

import CameraVolumes
import Catalog
import ControlProtocol
import CustodyCore
import CustodyDaemon
import EvidenceCrypto
import EvidenceStore
import Foundation
import Ingest
import MediaProbe
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

// MARK: - Helpers

/// Prints a message on standard error and exits with status 64 (bad usage).
func usage(_ message: String? = nil) -> Never {
    if let message { FileHandle.standardError.write(Data("custody-bench: \(message)\n".utf8)) }
    FileHandle.standardError.write(
        Data(
            """
            usage: custody-bench seed-catalog STATE_DIR COUNT [DEVICES=50] [DAYS=365]
                   custody-bench list-latency STATE_DIR DEVICE DAY RUNS [LIMIT=100]
                   custody-bench probe-latency STATE_DIR RUNS
                   custody-bench read-volume IMAGE PATH
                   custody-bench rotate STATE_DIR COUNT [BATCH=1000]
                   custody-bench crypto-rates MIB

            """.utf8))
    exit(64)
}

/// Parses a positive integer argument or exits with a usage message naming it.
func positiveInt(_ text: String, _ name: String) -> Int {
    guard let value = Int(text), value > 0 else { usage("\(name) must be a positive integer, not '\(text)'") }
    return value
}

extension Duration {
    /// The duration in milliseconds, as a Double (attoseconds are 1e-18 s).
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}

/// The value at quantile `q` (0...1) of already sorted samples, nearest-rank method.
func quantile(_ sorted: [Double], _ q: Double) -> Double {
    precondition(!sorted.isEmpty)
    let rank = Int((q * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
}

func format(_ value: Double, _ decimals: Int = 3) -> String { String(format: "%.\(decimals)f", value) }

// MARK: - read-volume

/// Reads one file of an image through the volume reader and prints
/// `RESULT seconds=S bytes=N extents=K first_offset=O span=L` (L: bytes from the first extent's start
/// to the last one's end, the range `dd` reads for comparison).
func readVolume(_ arguments: [String]) throws {
    guard arguments.count == 2 else { usage("read-volume takes IMAGE PATH") }
    let volume = try VolumeOpener.open(arguments[0], timeZone: TimeZone(identifier: "UTC")!)
    var found: VolumeFile?
    try volume.walk { item in
        if case .file(let file) = item, file.path == RawPath(arguments[1]) { found = file }
    }
    guard let file = found else { usage("no file \(arguments[1]) on \(arguments[0])") }
    let extents: [Range<Int64>]
    if let fat = volume as? FATVolume {
        extents = try fat.deviceExtents(of: file)
    } else if let exfat = volume as? ExFATVolume {
        extents = try exfat.deviceExtents(of: file)
    } else {
        usage("\(arguments[0]) is not a FAT or exFAT image")
    }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 8 << 20, alignment: 4096)
    defer { buffer.deallocate() }
    let clock = ContinuousClock()
    var total: Int64 = 0
    var opening = Duration.zero
    let elapsed = try clock.measure {
        var reader: (any VolumeFileReader)?
        opening = try clock.measure { reader = try volume.open(file) }
        while case let got = try reader!.read(into: buffer), got > 0 { total += Int64(got) }
    }
    guard total == file.size else { usage("read \(total) of \(file.size) bytes") }
    let first = extents.first?.lowerBound ?? 0
    let span = (extents.last?.upperBound ?? 0) - first
    print(
        "RESULT seconds=\(format(elapsed.milliseconds / 1000)) open_seconds=\(format(opening.milliseconds / 1000)) bytes=\(total) extents=\(extents.count) first_offset=\(first) span=\(span)"
    )
}

/// The first day of the synthetic year, midnight UTC. Fixed so that run.sh can pick a day in range.
let seedEpoch = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01T00:00:00Z
let millisecondsPerDay: Int64 = 86_400_000

// MARK: - seed-catalog

/// Builds item `index` of a synthetic catalog. Everything is derived from the index, so a seed is
/// reproducible and needs no randomness beyond the UUID.
///
/// Items are spread round-robin over `devices` devices and, per device, evenly over `days` days in
/// index order: insertion order is ingestion order, as in a real catalog that only ever appends.
/// About COUNT / DEVICES / DAYS items fall on one device-day (55 for 1,000,000 / 50 / 365).
func syntheticItem(index: Int, count: Int, devices: Int, days: Int) -> ItemRecord {
    var counter = UInt64(index).bigEndian
    let counterBytes = withUnsafeBytes(of: &counter) { Array($0) }
    // Two distinct SHA-256s per item: random-looking, and `ciphertext_sha256` must be UNIQUE.
    let sha256 = SHA256Hasher.hash(counterBytes + Array("plain".utf8))
    let ciphertextSHA256 = SHA256Hasher.hash(counterBytes + Array("object".utf8))
    // 60 bytes, like a real wrapped key (nonce 12 || ciphertext 32 || tag 16); content is irrelevant.
    let wrappedKey = Array(sha256.bytes + ciphertextSHA256.bytes.prefix(28))

    let device = index % devices
    let slot = Int64(index / devices)
    let perDevice = Int64((count + devices - 1) / devices)
    let span = Int64(days) * millisecondsPerDay
    // Evenly spaced over the span, offset per device so no two devices share an instant.
    let ingestedMilliseconds = seedEpoch.catalogMilliseconds + slot * span / perDevice + Int64(device) * 37 % 1000

    // 100 KiB to ~16 MiB, as photos and short clips; ciphertext = header + data + one tag per MiB.
    let size = Int64(100 << 10) + Int64(sha256.bytes[0]) << 16 + Int64(sha256.bytes[1]) << 8
    let segments = max(1, (size + (1 << 20) - 1) >> 20)
    let deviceID = "DEV" + String(format: "%04d", device)
    let path = RawPath(
        "DCIM/\(100 + Int(slot / 9999) % 900)CAMRA/IMG_\(String(format: "%04d", Int(slot % 9999) + 1)).JPG")
    return ItemRecord(
        id: EvidenceID(), state: .stored, sha256: sha256, ciphertextSHA256: ciphertextSHA256, size: size,
        ciphertextSize: 64 + size + 16 * segments, wrappedKey: wrappedKey,
        source: SourceReference(
            deviceID: deviceID, root: "/media/\(deviceID)", path: path, size: size,
            modificationTimeNanoseconds: (ingestedMilliseconds - 3_600_000) * 1_000_000),
        ingestedAt: Date(catalogMilliseconds: ingestedMilliseconds), verifiedAt: nil)
}

func seedCatalog(_ arguments: [String]) throws {
    guard (2...4).contains(arguments.count) else { usage("seed-catalog takes STATE_DIR COUNT [DEVICES] [DAYS]") }
    let root = arguments[0]
    let count = positiveInt(arguments[1], "COUNT")
    let devices = arguments.count > 2 ? positiveInt(arguments[2], "DEVICES") : 50
    let days = arguments.count > 3 ? positiveInt(arguments[3], "DAYS") : 365
    // Batches of 10,000: one transaction each, so the synchronous=FULL commit cost is amortised the
    // way a real import's batches amortise it, and memory stays small.
    let batchSize = 10_000

    let clock = ContinuousClock()
    let started = clock.now
    let state = try StateDirectory.initialise(
        at: FilePath(root), keyPath: FilePath(root).appending("custody.kek"), actor: .currentProcess)
    var inserted = 0
    var lastReport = started
    while inserted < count {
        let upper = min(inserted + batchSize, count)
        let batch = (inserted..<upper).map { syntheticItem(index: $0, count: count, devices: devices, days: days) }
        // No audit events: the benchmark measures item queries, and a million audit rows would only
        // make seeding slower.
        try state.catalog.recordStored(batch, events: [])
        inserted = upper
        if clock.now - lastReport > .seconds(10) || inserted == count {
            lastReport = clock.now
            let elapsed = (clock.now - started).milliseconds / 1000
            print(
                "seeded \(inserted)/\(count) items in \(format(elapsed, 1)) s (\(Int(Double(inserted) / elapsed)) items/s)"
            )
        }
    }
    let elapsed = (clock.now - started).milliseconds / 1000
    let lastDay = seedEpoch.addingTimeInterval(Double(days - 1) * 86_400)
    print(
        "seed-catalog: \(count) items, \(devices) devices (DEV0000...DEV\(String(format: "%04d", devices - 1))), days \(Timestamps.rfc3339(seedEpoch).prefix(10))...\(Timestamps.rfc3339(lastDay).prefix(10)), \(format(elapsed, 1)) s"
    )
}

// MARK: - list-latency

func listLatency(_ arguments: [String]) throws {
    guard (4...5).contains(arguments.count) else { usage("list-latency takes STATE_DIR DEVICE DAY RUNS [LIMIT]") }
    let root = arguments[0]
    let device = arguments[1]
    let day = try Timestamps.parse(arguments[2], argument: "DAY")
    let runs = positiveInt(arguments[3], "RUNS")
    // 100 is `custodyd list`'s default --limit, so both figures measure the same query.
    let limit = arguments.count > 4 ? positiveInt(arguments[4], "LIMIT") : 100

    let clock = ContinuousClock()
    // Opening the catalog (WAL, migrations check) is timed apart: the CLI pays it once per process.
    var catalog: EvidenceCatalog?
    let openTime = try clock.measure {
        catalog = try EvidenceCatalog(
            path: StateDirectory.catalogPath(in: FilePath(root)).string, actor: .currentProcess)
    }
    let filter = ItemFilter(
        deviceID: device, ingestedFrom: day, ingestedBefore: day.addingTimeInterval(86_400), limit: limit)

    var samples: [Double] = []
    var results = 0
    // One extra run first, not counted: it warms SQLite's page cache and GRDB's statement cache,
    // like the steady state of a daemon answering queries.
    for run in 0...runs {
        var items: [ItemRecord] = []
        let elapsed = try clock.measure { items = try catalog!.items(matching: filter) }
        if run == 0 {
            print("first query: \(format(elapsed.milliseconds)) ms, \(items.count) items")
        } else {
            samples.append(elapsed.milliseconds)
        }
        results = items.count
    }
    samples.sort()
    print("open catalog: \(format(openTime.milliseconds)) ms")
    print(
        "list-latency: device \(device), day \(arguments[2]), \(results) items, \(runs) runs: median \(format(quantile(samples, 0.5))) ms, p95 \(format(quantile(samples, 0.95))) ms, min \(format(samples.first!)) ms, max \(format(samples.last!)) ms"
    )
    // A line for scripts: key=value, milliseconds.
    print(
        "RESULT median_ms=\(format(quantile(samples, 0.5))) p95_ms=\(format(quantile(samples, 0.95))) items=\(results)")
}

// MARK: - probe-latency

func probeLatency(_ arguments: [String]) throws {
    guard arguments.count == 2 else { usage("probe-latency takes STATE_DIR RUNS") }
    let root = FilePath(arguments[0])
    let runs = positiveInt(arguments[1], "RUNS")
    let state = try StateDirectory.open(
        at: root, keyPath: KeyFile.location(explicit: nil, stateDirectory: root, environment: [:]),
        actor: .currentProcess)
    let key = try state.requireKey()
    let clock = ContinuousClock()
    try state.catalog.forEachItem { items in
        for item in items {
            var samples: [Double] = []
            var bytes: Int64 = 0
            for _ in 0..<runs {
                let reader = try ObjectReader(
                    path: state.store.objectPath(for: item.ciphertextSHA256), id: item.id,
                    dataKey: try key.unwrap(item.wrappedKey, for: item.id))
                let counting = CountingSource(reader)
                let elapsed = clock.measure {
                    _ = MediaProber().probe(counting, context: .init(fileName: item.source.path.displayString))
                }
                samples.append(elapsed.milliseconds)
                bytes = counting.bytesRead
            }
            samples.sort()
            let percent = item.size > 0 ? 100 * Double(bytes) / Double(item.size) : 0
            print(
                "probe \(item.source.path.displayString): \(item.size) bytes, median \(format(quantile(samples, 0.5))) ms over \(runs) runs, read \(bytes) bytes (\(format(percent, 3)) %)"
            )
        }
    }
}

// MARK: - Entry point

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else { usage() }
do {
    switch command {
    case "seed-catalog": try seedCatalog(Array(arguments.dropFirst()))
    case "list-latency": try listLatency(Array(arguments.dropFirst()))
    case "probe-latency": try probeLatency(Array(arguments.dropFirst()))
    case "read-volume": try readVolume(Array(arguments.dropFirst()))
    case "dock": try dockBenchmark(Array(arguments.dropFirst()))
    case "rotate": try rotationBenchmark(Array(arguments.dropFirst()))
    case "policy-list": try policyList(Array(arguments.dropFirst()))
    case "crypto-rates": try cryptoRates(Array(arguments.dropFirst()))
    case "review-queue": try reviewQueue(Array(arguments.dropFirst()))
    case "list-page": try listPage(Array(arguments.dropFirst()))
    case "report": try reportBenchmark(Array(arguments.dropFirst()))
    case "retention-pass": try retentionPass(Array(arguments.dropFirst()))
    case "shred": try shredBenchmark(Array(arguments.dropFirst()))
    case "-h", "--help", "help": usage()
    default: usage("unknown command '\(command)'")
    }
} catch {
    FileHandle.standardError.write(Data("custody-bench: \(error)\n".utf8))
    exit(2)
}
