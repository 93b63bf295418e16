import Catalog
import CustodyCore
import CustodyDaemon
import Foundation
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

// MARK: - shred

/// Crypto-shredding COUNT items (issue 12) of a seeded state directory: each gets a 64 KiB object
/// file, a not-due deletion request, a second administrator's approval with no grace period; then the
/// shred as the daemon's shred service does it (batches of 500: one transaction erasing the keys, a
/// WAL checkpoint, each object overwritten, fsynced, unlinked) is timed.
func shredBenchmark(_ arguments: [String]) throws {
    guard arguments.count == 2 else { usage("shred takes STATE_DIR COUNT") }
    let count = positiveInt(arguments[1], "COUNT")
    let state = try StateDirectory.open(
        at: FilePath(arguments[0]), keyPath: nil, actor: AuditActor(uid: 0, name: "root"))
    let catalog = state.catalog
    let clock = ContinuousClock()
    var picked: [ItemRecord] = []
    try catalog.forEachItem(batchSize: 1000) { items in
        for item in items where picked.count < count {
            if try !catalog.isTrashed(item.id) { picked.append(item) }
        }
    }
    guard picked.count == count else { usage("the state directory has only \(picked.count) items to shred") }
    let object = [UInt8](repeating: 0xA5, count: 64 << 10)
    for item in picked {
        let path = state.store.objectPath(for: item.ciphertextSHA256)
        mkdir(path.removingLastComponent().string, 0o700)
        let fd = try FileDescriptor.open(path, .writeOnly, options: [.create, .truncate], permissions: [.ownerRead])
        _ = try object.withUnsafeBytes { try fd.writeAll($0) }
        try fd.close()
    }
    let now = Date()
    for start in stride(from: 0, to: picked.count, by: 1000) {
        let batch = picked[start..<min(start + 1000, picked.count)].map(\.id)
        let request = try catalog.requestDeletion(
            of: batch, reason: "benchmark", notDue: true, grace: 0, who: "account:bench-a", at: now,
            events: { _ in [] },
            by: catalog.actor)
        _ = try catalog.approveDeletion(
            request.id, who: "account:bench-b", at: now, events: { _ in [] }, by: catalog.actor)
    }
    var shredded = 0
    let elapsed = try clock.measure {
        while true {
            let due = try catalog.itemsToShred(at: now.addingTimeInterval(1))
            if due.isEmpty { break }
            let done = try catalog.shred(due, at: now.addingTimeInterval(1)) { item, request in
                [.itemShredded(item, request: request)]
            }
            try state.store.shredObjects(done.map(\.ciphertextSHA256))
            shredded += done.count
        }
    }.milliseconds
    print(
        "shred: \(shredded) items (64 KiB objects) in \(format(elapsed / 1000, 2)) s, \(format(elapsed / Double(max(shredded, 1)))) ms per item"
    )
    print(
        "RESULT items=\(shredded) total_s=\(format(elapsed / 1000, 2)) per_item_ms=\(format(elapsed / Double(max(shredded, 1))))"
    )
}
