import ArgumentParser
import CameraVolumes
import CustodyCommandLine
import CustodyCore
import CustodyDaemon
import Foundation
import Ingest
import MediaProbe
import SystemPackage

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Ingest every file of a camera volume or directory: hash, encrypt, store, read back, verify.",
        discussion: """
            PATH is a directory (a mounted card, a copied camera volume, a share), or an image file or block \
            device holding a FAT12/16/32 or exFAT filesystem (unpartitioned, MBR or GPT), which Custody \
            parses itself from a read-only handle: nothing is mounted and nothing on the volume changes, \
            unless --wipe is given. In a directory, symbolic links are never followed; FIFOs, devices and \
            sockets are skipped and audited.
            """)

    @OptionGroup var options: StateOptions

    @Argument(help: "Directory, image file or block device to import.")
    var path: String

    @Flag(
        help: ArgumentHelp(
            "After every item of the run verified, delete their files from the volume (image or device only).",
            discussion: "Only files whose items are verified with the hash read are deleted; the rest stay."))
    var wipe = false

    @Option(
        name: .customLong("time-zone"),
        help:
            "Time zone assumed for local times stored without one: FAT time stamps, file names, EXIF without offset (IANA name; default: the system's)."
    )
    var timeZone: String?

    @Option(help: "Device id to record on every item (camera serial or volume label).")
    var device: String?

    @Flag(help: "Print one JSON object per event on standard output as the import runs.")
    var events = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Option(
        name: .customLong("name-rule"),
        help:
            "File-name rule to try before the built-in ones, e.g. '{date}_{time}_{seq}_{device}_{officer}' (repeatable)."
    )
    var nameRules: [String] = []

    @Option(
        name: .customLong("batch-files"), help: ArgumentHelp("Files per commit batch (tuning).", visibility: .hidden))
    var batchFiles = Importer.BatchLimits().files

    func validate() throws {
        guard batchFiles >= 1 else { throw ValidationError("--batch-files must be at least 1") }
        if let timeZone, TimeZone(identifier: timeZone) == nil {
            throw ValidationError("--time-zone \(timeZone) is not a time zone name (try Europe/Berlin or UTC)")
        }
        if let device, device.isEmpty || device.count > 128 || device.contains(where: \.isNewline) {
            throw ValidationError("--device must be 1 to 128 characters on one line")
        }
    }

    func run() throws {
        let prober = try makeProber()
        let root = try ImportRoot.resolve(path)
        let state = try options.open(needsKey: true)
        try ImportRoot.checkSeparate(root, from: state.root)
        let volume: any CameraVolume
        do {
            volume = try VolumeOpener.open(
                root.string, timeZone: timeZone.flatMap(TimeZone.init(identifier:)) ?? .current,
                wipe: WipeOptions(journal: WipeJournal(directory: state.root.appending("wipe-journal").string)))
        } catch let error as VolumeError {
            throw DaemonError(code: .invalidArgument, message: "import: \(error.description)")
        }
        if wipe, volume is DirectoryVolume {
            throw DaemonError(
                code: .invalidArgument,
                message:
                    "import: --wipe deletes only from an image or block device Custody reads itself, not from the directory \(root)"
            )
        }
        let streaming = events
        let printer = EventPrinter(json: streaming, quiet: json)
        let summary = try state.withWriteAccess(logger: commandLogger) { recovery in
            if recovery != Recovery.Report() { printer.recovery(recovery) }
            let importer = Importer(
                store: state.store, catalog: state.catalog, keyEncryptionKey: try state.requireKey(),
                logger: commandLogger,
                limits: Importer.BatchLimits(files: batchFiles), prober: prober)
            return try importer.importVolume(volume, deviceID: device, wipe: wipe, events: printer.print)
        }
        if json {
            try printJSON(ImportSummaryView(summary))
        } else {
            print(
                "\(summary.verified) verified, \(summary.duplicates) already stored, \(summary.skipped) skipped, \(summary.failures.count) failed (\(summary.bytes) bytes)"
                    + (wipe ? "; \(summary.wiped) wiped from the volume, \(summary.wipeKept.count) kept" : "")
            )
        }
        if !summary.failures.isEmpty { throw ExitCode(1) }
    }
}

extension ImportCommand {
    /// The prober the options describe.
    /// - Throws: `ProbeError.invalidRule` for a rule that does not parse; `DaemonError` for an unknown zone.
    func makeProber() throws -> MediaProber {
        let custom = try nameRules.enumerated().map { index, template in
            try FileNameRule(name: "custom-\(index + 1)", template: template)
        }
        var zone = TimeZone.current
        if let timeZone {
            guard let named = TimeZone(identifier: timeZone) else {
                throw DaemonError(
                    code: .invalidArgument,
                    message:
                        "--time-zone '\(timeZone)' is not a time zone; use an IANA name such as Asia/Shanghai or UTC")
            }
            zone = named
        }
        return MediaProber(nameRules: custom + FileNameRule.builtIn, assumedZone: zone)
    }
}

/// Resolves and checks the directory, image or device given to `import`.
enum ImportRoot {
    static func resolve(_ path: String) throws -> FilePath {
        guard let resolved = realpath(path, nil) else {
            throw DaemonError(code: .invalidArgument, message: "import: \(path) does not exist")
        }
        defer { free(resolved) }
        let absolute = String(cString: resolved)
        var status = stat()
        let kind = stat(absolute, &status) == 0 ? status.st_mode & S_IFMT : 0
        guard kind == S_IFDIR || kind == S_IFREG || kind == S_IFBLK else {
            throw DaemonError(
                code: .invalidArgument,
                message:
                    "import: \(path) is not a directory, an image file or a block device; give the camera's folder or disk"
            )
        }
        return FilePath(absolute)
    }

    /// Refuses an import directory that holds the store or lies inside it: the walk would read the
    /// store's own files while writing them.
    static func checkSeparate(_ root: FilePath, from state: FilePath) throws {
        guard let resolved = realpath(state.string, nil) else { return }
        defer { free(resolved) }
        let store = FilePath(String(cString: resolved))
        if store.starts(with: root) || root.starts(with: store) {
            throw DaemonError(
                code: .invalidArgument,
                message: "import: \(root) overlaps the state directory \(store); import the camera's own folder")
        }
    }
}

/// Prints import events: a line per file for people, or NDJSON for scripts and tests.
struct EventPrinter: Sendable {
    let json: Bool
    let quiet: Bool

    func recovery(_ report: Recovery.Report) {
        guard !quiet else { return }
        let line =
            "recovered: \(report.temporaryObjectsRemoved) partial objects removed, \(report.intentsDiscarded) uncatalogued objects removed, \(report.itemsVerified) items verified, \(report.itemsDiscarded) items discarded"
        json ? emit(["event": "recovered", "detail": line]) : Swift.print(line)
    }

    func print(_ event: ImportEvent) {
        if json {
            emit(Self.fields(of: event))
        } else if !quiet {
            switch event {
            case .verified(let path, let id, let sha256, _):
                Swift.print("verified  \(id)  \(sha256.hex.prefix(16))  \(path.displayString)")
            case .duplicate(let path, let existing):
                Swift.print("stored    \(existing)  (already)  \(path.displayString)")
            case .skipped(let path, let reason): Swift.print("skipped   \(path.displayString): \(reason)")
            case .failed(let path, let reason): Swift.print("FAILED    \(path.displayString): \(reason)")
            case .wiped(let path, let id): Swift.print("wiped     \(id)  \(path.displayString)")
            case .kept(let path, let reason): Swift.print("KEPT      \(path.displayString): \(reason)")
            default: break
            }
        }
    }

    private func emit(_ fields: [String: String]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = (try? encoder.encode(fields)) ?? Data()
        line.append(0x0a)
        // Unbuffered, so a reader (or a test that kills us at an event) sees each event as it happens.
        FileHandle.standardOutput.write(line)
    }

    static func fields(of event: ImportEvent) -> [String: String] {
        switch event {
        case .reading(let path, let size): ["event": "reading", "path": path.displayString, "size": "\(size)"]
        case .progress(let path, let bytes): ["event": "progress", "path": path.displayString, "bytes": "\(bytes)"]
        case .sealed(let path, let id): ["event": "sealed", "path": path.displayString, "id": id.description]
        case .intentsRecorded(let count): ["event": "intents", "count": "\(count)"]
        case .renamed(let count): ["event": "renamed", "count": "\(count)"]
        case .stored(let count): ["event": "stored", "count": "\(count)"]
        case .verified(let path, let id, let sha256, let size):
            [
                "event": "verified", "path": path.displayString, "id": id.description, "sha256": sha256.hex,
                "size": "\(size)",
            ]
        case .duplicate(let path, let existing):
            ["event": "duplicate", "path": path.displayString, "id": existing.description]
        case .skipped(let path, let reason): ["event": "skipped", "path": path.displayString, "reason": reason]
        case .failed(let path, let reason): ["event": "failed", "path": path.displayString, "reason": reason]
        case .wiped(let path, let id): ["event": "wiped", "path": path.displayString, "id": id.description]
        case .kept(let path, let reason): ["event": "kept", "path": path.displayString, "reason": reason]
        }
    }
}

/// The JSON shape of an import summary (docs/cli-json.md).
struct ImportSummaryView: Encodable {
    struct Failure: Encodable {
        var path: String
        var reason: String
    }
    var verified: Int
    var duplicates: Int
    var skipped: Int
    var failed: [Failure]
    var bytes: Int64
    var wiped: Int
    var kept: [Failure]

    init(_ summary: ImportSummary) {
        verified = summary.verified
        duplicates = summary.duplicates
        skipped = summary.skipped
        failed = summary.failures.map { Failure(path: $0.path, reason: $0.reason) }
        bytes = summary.bytes
        wiped = summary.wiped
        kept = summary.wipeKept.map { Failure(path: $0.path, reason: $0.reason) }
    }
}
