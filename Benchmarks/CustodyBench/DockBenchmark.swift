import CustodyTesting
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `custody-bench dock BAYS MIB_PER_BAY`: BAYS simulated recorders (umockdev USB devices whose disks
/// are FAT images of MIB_PER_BAY MiB of media in 16 MiB files) docked at once into a real
/// `custodyd run`; prints each bay's ingest time and rate from the daemon's own status (session start
/// to every file verified), the aggregate rate, the slowest bay against the mean, and the daemon's
/// peak resident memory (VmHWM).
func dockBenchmark(_ arguments: [String]) throws {
    guard arguments.count == 2 else { usage("dock BAYS MIB_PER_BAY") }
    let bays = positiveInt(arguments[0], "BAYS")
    let megabytes = positiveInt(arguments[1], "MIB_PER_BAY")
    guard bays <= 9 else { usage("dock takes at most 9 bays") }
    let station = try DockStation("dock-bench")
    try station.configure(wipe: false)
    let fileSize = 16 << 20
    let files = max(1, megabytes * (1 << 20) / fileSize)
    for bay in 1...bays { try station.addRecorder(bay: bay, files: files, size: fileSize) }
    // Cold caches: the images were just written; the daemon must read them from the disk.
    sync()
    _ = try? "3".write(toFile: "/proc/sys/vm/drop_caches", atomically: false, encoding: .utf8)
    let daemon = try station.start()
    let status = try station.waitForStatus { status in
        (1...bays).allSatisfy { DockStation.bay("usb:1-\($0)", in: status)?["phase"] as? String == "done" }
    }
    let peak = peakResidentKiB(pid: daemon.pid)
    daemon.signal(SIGTERM)
    _ = daemon.wait()

    var durations: [Double] = []
    var starts: [Date] = []
    var ends: [Date] = []
    var totalBytes: Int64 = 0
    for bay in 1...bays {
        let entry = DockStation.bay("usb:1-\(bay)", in: status)!
        let start = try parseTime(entry["startedAt"] as? String)
        let end = try parseTime(entry["finishedAt"] as? String)
        let bytes = (entry["bytesTotal"] as? Int).map(Int64.init) ?? 0
        totalBytes += bytes
        starts.append(start)
        ends.append(end)
        durations.append(end.timeIntervalSince(start))
        print(
            "bay \(bay): \(entry["verified"] ?? 0) files, \(bytes >> 20) MiB in \(format(durations.last!)) s = \(format(Double(bytes) / durations.last! / 1e6, 1)) MB/s"
        )
    }
    let wall = ends.max()!.timeIntervalSince(starts.min()!)
    let mean = durations.reduce(0, +) / Double(durations.count)
    print(
        "aggregate: \(totalBytes >> 20) MiB in \(format(wall)) s = \(format(Double(totalBytes) / wall / 1e6, 1)) MB/s")
    print("slowest bay / mean: \(format(durations.max()! / mean, 2))")
    print("daemon peak RSS: \(peak / 1024) MiB")
}

private func parseTime(_ text: String?) throws -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    guard let text, let date = formatter.date(from: text) else {
        throw FixtureFailure(message: "not a time: \(text ?? "nil")")
    }
    return date
}

/// The high-water mark of a process's resident memory, from /proc/PID/status.
private func peakResidentKiB(pid: Int32) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
    let line = text.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}
