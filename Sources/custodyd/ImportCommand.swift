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

            Exit status: 0 every file stored or already there; 1 some files failed (each is named); 2 \
            nothing was imported: PATH missing or unreadable, not a volume, or the state directory \
            unusable or full (the message names the path and the fix); 64 bad usage.
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

    @Flag(
        help:
            "Print one JSON object per line on standard output as the import runs, the summary last (`\"event\": \"summary\"`): NDJSON to the end."
    )
    var events = false

    @Flag(help: "Print the summary as one JSON object (with --events, the stream's last line is the summary).")
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
        let prober = try MediaProber.forImport(nameRules: nameRules, timeZone: timeZone)
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
        let printer = ImportEventPrinter(json: streaming, quiet: json)
        let progress = ImportProgress(bar: ProgressBar.forStandardError(enabled: !streaming && !json), volume: volume)
        // The bar's line ends before any message, the error's included.
        defer { progress.finish() }
        let summary = try state.withWriteAccess(logger: commandLogger) { recovery in
            if recovery != Recovery.Report() { printer.recovery(recovery) }
            let importer = Importer(
                store: state.store, catalog: state.catalog, keyEncryptionKey: try state.requireKey(),
                logger: commandLogger,
                limits: Importer.BatchLimits(files: batchFiles), prober: prober)
            return try importer.importVolume(volume, deviceID: device, wipe: wipe) { event in
                progress.record(event, print: printer.print)
            }
        }
        progress.finish()
        if streaming {
            try printer.summary(ImportSummaryView(summary))
        } else if json {
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
