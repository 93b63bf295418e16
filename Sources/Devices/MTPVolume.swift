import CameraVolumes
import CustodyCore

/// An MTP/PTP data terminal as a `CameraVolume`: listed through GetObjectHandles/GetObjectInfo, read
/// through streamed GetObject, wiped through DeleteObject.
///
/// The session must be open. Paths are built from each object's parent chain; with more than one
/// storage each path starts with `storage-<id>`. Objects of 4 GiB or more, orphans and parent loops
/// are reported as `.failed` and the walk goes on.
public final class MTPVolume: CameraVolume {
    public let root: String
    public let summary: String
    private let session: PTPSession
    private let utcOffsetSeconds: Int
    /// What the walk saw, by external id: checked again before reading ends and before a wipe.
    private var seen: [UInt64: PTPObjectInfo] = [:]

    /// The deepest folder nesting followed; deeper is reported as damage.
    static let maximumDepth = 64

    /// Creates the volume over an open session.
    /// - Parameters:
    ///   - serial: the terminal's serial (from DeviceInfo), for `root`.
    ///   - utcOffsetSeconds: the zone the terminal's dates are in when they carry none (its profile says).
    public init(session: PTPSession, serial: String, utcOffsetSeconds: Int = 0) {
        self.session = session
        self.utcOffsetSeconds = utcOffsetSeconds
        root = "mtp:\(serial)"
        summary = "MTP terminal \(serial)"
    }

    public func walk(_ visit: (VolumeItem) throws -> Void) throws {
        let storages = try volumeCall("listing storages") { try session.storageIDs() }
        var entries: [(components: [[UInt8]], item: VolumeItem)] = []
        for storage in storages {
            let prefix: [[UInt8]] = storages.count > 1 ? [Array("storage-\(hex(storage))".utf8)] : []
            let handles = try volumeCall("listing objects") { try session.objectHandles(storage: storage) }
            var infos: [UInt32: PTPObjectInfo] = [:]
            for handle in handles {
                do {
                    infos[handle] = try session.objectInfo(handle)
                } catch let error as DeviceError where error.code == .malformed || error.code == .rejected {
                    let path = RawPath(
                        bytes: (prefix + [Array("object-\(hex(handle))".utf8)]).joined(separator: [0x2F]).map { $0 })
                    entries.append((prefix, .failed(path: path, reason: error.message)))
                } catch {
                    throw volumeError(error, "reading object \(handle)'s information")
                }
            }
            for (handle, info) in infos where !info.isFolder {
                let components: [[UInt8]]
                do {
                    components = prefix + (try path(of: handle, in: infos))
                } catch let reason as PathFailure {
                    entries.append(([], .failed(path: RawPath(info.filename), reason: reason.message)))
                    continue
                }
                let path = RawPath(bytes: Array(components.joined(separator: [0x2F])))
                guard info.compressedSize != 0xFFFF_FFFF else {
                    entries.append(
                        (
                            components,
                            .failed(path: path, reason: "objects of 4 GiB or more are not supported over MTP yet")
                        ))
                    continue
                }
                let id = UInt64(storage) << 32 | UInt64(handle)
                seen[id] = info
                let file = VolumeFile(
                    path: path, size: Int64(info.compressedSize), modified: timestamp(info.modificationDate),
                    created: info.captureDate.isEmpty ? nil : timestamp(info.captureDate), externalID: id)
                entries.append((components, .file(file)))
            }
        }
        entries.sort { $0.components.lexicographicallyPrecedes($1.components) { $0.lexicographicallyPrecedes($1) } }
        for entry in entries { try visit(entry.item) }
    }

    public func open(_ file: VolumeFile) throws -> any VolumeFileReader {
        guard let id = file.externalID, let info = seen[id] else {
            throw VolumeError(
                code: .unavailable, message: "\(file.path.displayString) was not found by this volume's walk")
        }
        let handle = UInt32(truncatingIfNeeded: id)
        let stream = try volumeCall("opening \(file.path.displayString)") {
            try session.openObject(handle, expectedSize: file.size)
        }
        return MTPFileReader(volume: self, stream: stream, id: id, info: info, path: file.path, size: file.size)
    }

    public func wipe(_ files: [VolumeFile]) throws -> WipeReport {
        var report = WipeReport()
        for file in files {
            guard let id = file.externalID, let info = seen[id] else {
                report.kept.append(.init(path: file.path, reason: "not found by this volume's walk"))
                continue
            }
            do {
                try checkUnchanged(id: id, info: info, path: file.path)
                try session.deleteObject(UInt32(truncatingIfNeeded: id))
                report.wiped.append(file.path)
            } catch let error as VolumeError {
                report.kept.append(.init(path: file.path, reason: error.message))
            } catch {
                report.kept.append(.init(path: file.path, reason: "\(error)"))
            }
        }
        return report
    }

    /// Re-reads an object's information and compares it with what the walk saw.
    func checkUnchanged(id: UInt64, info: PTPObjectInfo, path: RawPath) throws {
        let now = try volumeCall("re-reading \(path.displayString)") {
            try session.objectInfo(UInt32(truncatingIfNeeded: id))
        }
        guard now == info else {
            throw VolumeError(
                code: .changed, message: "\(path.displayString) changed on the MTP terminal since it was listed")
        }
    }

    private struct PathFailure: Error { var message: String }

    /// The path components of `handle`, following parents up to the storage root.
    private func path(of handle: UInt32, in infos: [UInt32: PTPObjectInfo]) throws -> [[UInt8]] {
        var components: [[UInt8]] = []
        var current = handle
        var visited: Set<UInt32> = []
        while let info = infos[current] {
            guard visited.insert(current).inserted, components.count < Self.maximumDepth else {
                throw PathFailure(message: "its folders form a loop or nest deeper than \(Self.maximumDepth)")
            }
            components.insert(Array(info.filename.utf8), at: 0)
            if info.parent == 0 || info.parent == 0xFFFF_FFFF { return components }
            current = info.parent
        }
        throw PathFailure(message: "its folder (object \(current)) is not on the terminal")
    }

    /// Parses `YYYYMMDDThhmmss[.s][Z|±hhmm]`; without a zone the profile's is assumed. A date that does
    /// not parse keeps its text in `raw` with the instant 0, so the item still records what was there.
    private func timestamp(_ text: String) -> VolumeTimestamp {
        let bytes = Array(text.utf8)
        guard bytes.count >= 15, bytes[8] == UInt8(ascii: "T"),
            let time = try? DeviceDateTime(
                compactDate: String(decoding: bytes[0..<8], as: UTF8.self),
                compactTime: String(decoding: bytes[9..<15], as: UTF8.self))
        else { return VolumeTimestamp(nanosecondsSinceEpoch: 0, raw: text, zone: nil) }
        var rest = bytes[15...]
        if rest.first == UInt8(ascii: ".") {
            rest = rest.dropFirst()
            while let digit = rest.first, (0x30...0x39).contains(digit) { rest = rest.dropFirst() }
        }
        var offset = utcOffsetSeconds
        var zone = "UTC\(Self.format(offset)) (assumed from the device profile)"
        if rest.elementsEqual("Z".utf8) {
            offset = 0
            zone = "UTC"
        } else if rest.count == 5, rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: "-"),
            let hhmm = Int(String(decoding: rest.dropFirst(), as: UTF8.self))
        {
            offset = (hhmm / 100 * 3600 + hhmm % 100 * 60) * (rest.first == UInt8(ascii: "-") ? -1 : 1)
            zone = Self.format(offset)
        } else if !rest.isEmpty {
            return VolumeTimestamp(nanosecondsSinceEpoch: 0, raw: text, zone: nil)
        }
        return VolumeTimestamp(
            nanosecondsSinceEpoch: time.secondsSinceEpoch(utcOffsetSeconds: offset) * 1_000_000_000, raw: text,
            zone: zone)
    }

    private static func format(_ offset: Int) -> String {
        let minutes = abs(offset) / 60
        let hh = minutes / 60, mm = minutes % 60
        return (offset < 0 ? "-" : "+") + (hh < 10 ? "0" : "") + "\(hh):" + (mm < 10 ? "0" : "") + "\(mm)"
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    func volumeCall<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw volumeError(error, what) }
    }

    private func volumeError(_ error: any Error, _ what: String) -> VolumeError {
        guard let error = error as? DeviceError else {
            return VolumeError(code: .unreadable, message: "\(summary): \(what) failed: \(error)")
        }
        let code: VolumeError.Code = error.code == .malformed || error.code == .tooLarge ? .corrupt : .unreadable
        return VolumeError(code: code, message: "\(summary): \(what) failed: \(error.message)", cause: error)
    }
}

/// One streamed GetObject, read like a file.
final class MTPFileReader: VolumeFileReader {
    let size: Int64
    private let volume: MTPVolume
    private let stream: PTPDataStream
    private let id: UInt64
    private let info: PTPObjectInfo
    private let path: RawPath
    private var pending: ArraySlice<UInt8> = []
    private var ended = false

    init(volume: MTPVolume, stream: PTPDataStream, id: UInt64, info: PTPObjectInfo, path: RawPath, size: Int64) {
        self.volume = volume
        self.stream = stream
        self.id = id
        self.info = info
        self.path = path
        self.size = size
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            if pending.isEmpty {
                guard !ended else { break }
                guard let piece = try volume.volumeCall("reading \(path.displayString)", { try stream.next() }) else {
                    ended = true
                    break
                }
                pending = piece[...]
            }
            let count = min(pending.count, buffer.count - filled)
            let target = buffer.baseAddress! + filled
            pending.prefix(count).withUnsafeBytes { target.copyMemory(from: $0.baseAddress!, byteCount: count) }
            pending = pending.dropFirst(count)
            filled += count
        }
        return filled
    }

    /// Checks the object's information again; only possible once the object was read to its end
    /// (the session carries one transaction at a time).
    func checkUnchanged() throws {
        guard ended else {
            throw VolumeError(
                code: .unreadable, message: "\(path.displayString) can be checked only after it was read to its end")
        }
        try volume.checkUnchanged(id: id, info: info, path: path)
    }
}
