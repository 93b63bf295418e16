import Catalog
import CustodyCore
import CustodyDaemon
import EvidenceCrypto
import Foundation
import Logging
import SystemPackage

/// `custody-bench rotate STATE_DIR COUNT [BATCH=1000]`: seeds a store with COUNT items whose data
/// keys are really wrapped under its KEK, then times `KeyRotation` (what `custodyd key rotate` runs)
/// rewrapping all of them under a new KEK, and checks a sample unwraps under the new key.
func rotationBenchmark(_ arguments: [String]) throws {
    guard (2...3).contains(arguments.count) else { usage("rotate takes STATE_DIR COUNT [BATCH]") }
    let root = FilePath(arguments[0])
    let count = positiveInt(arguments[1], "COUNT")
    let batch = arguments.count > 2 ? positiveInt(arguments[2], "BATCH") : 1000
    let clock = ContinuousClock()

    let seeding = clock.now
    let state = try StateDirectory.initialise(
        at: root, keyPath: root.appending("custody.kek"), actor: .currentProcess)
    let key = try state.requireKey()
    var inserted = 0
    while inserted < count {
        let upper = min(inserted + 10_000, count)
        let items = try (inserted..<upper).map { index in
            var item = syntheticItem(index: index, count: count, devices: 50, days: 365)
            item.wrappedKey = try key.wrap(try SecretKey.random(), for: item.id)
            return item
        }
        try state.catalog.recordStored(items, events: [])
        // Verified, as real items are: recovery, which the rotation runs first, would otherwise read
        // back these object-less items and discard them.
        try state.catalog.recordVerified(items.map(\.id), events: [])
        inserted = upper
    }
    let seeded = (clock.now - seeding).milliseconds / 1000
    print("rotate: seeded \(count) items with real wrapped keys in \(format(seeded, 1)) s")

    let newKey = root.appending("new.kek")
    let rotation = KeyRotation(
        root: root, oldKeyPath: root.appending("custody.kek"), newKeyPath: newKey, batchSize: batch,
        logger: Logger(label: "custody-bench"))
    let started = clock.now
    let report = try rotation.run()
    let seconds = (clock.now - started).milliseconds / 1000
    guard report.items == count, report.unreadable.isEmpty else {
        throw BenchFailure(message: "rotation covered \(report.items) of \(count) items")
    }
    // A sample, to be sure the figure is for real rewrapping.
    let fresh = try KeyFile.load(from: newKey)
    var checked = 0
    try state.catalog.forEachItem(batchSize: 1000) { items in
        for item in items where checked < 1000 {
            _ = try fresh.unwrap(item.wrappedKey, for: item.id)
            checked += 1
        }
    }
    print(
        "rotate \(count) wrapped keys: \(format(seconds, 2)) s, \(Int(Double(count) / seconds)) keys/s (batch \(batch); \(checked) checked under the new key)"
    )
}

struct BenchFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
