import ArgumentParser
import CustodyCommandLine
import CustodyDaemon
import Foundation
import SystemPackage

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Manage the key-encryption key.", subcommands: [KeyRotateCommand.self])
}

struct KeyRotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Rewrap every data key under a new key-encryption key (content is not re-encrypted).",
        discussion: """
            The daemon must be stopped (the store lock is taken). --key-file is the store's current key; \
            --new-key-file is created (mode 0600) when no file is there. Killed part-way, every item stays \
            readable under one of the two keys and no command that needs a key runs until the same command \
            is run again, which finishes the rotation. Afterwards configure the new key (LoadCredential=, \
            [store] key_file); keep the old one as long as backups made before the rotation are kept \
            (docs/operations.md).
            """)

    @OptionGroup var options: StateOptions

    @Option(name: .customLong("new-key-file"), help: "The new key-encryption key file (created if missing).")
    var newKeyFile: String

    @Option(name: .customLong("batch-size"), help: "Items rewrapped per transaction.")
    var batchSize: Int = 1000

    @Flag(help: "Print one JSON line per step (started, each batch, finished).")
    var events = false

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let root = FilePath(options.root.value)
        let oldKey = KeyFile.location(explicit: options.keyFile, stateDirectory: root, environment: environment)
        let rotation = KeyRotation(
            root: root, oldKeyPath: oldKey, newKeyPath: FilePath(options.absolute(newKeyFile)),
            batchSize: batchSize, logger: commandLogger)
        let report = try rotation.run { event in
            guard events else { return }
            switch event {
            case .started(let resumed, let created):
                emit(["event": "started", "resumed": resumed, "created_new_key": created])
            case .batch(let rewrapped, let checked):
                emit(["event": "batch", "rewrapped": rewrapped, "checked": checked])
            case .finished(let items):
                emit(["event": "finished", "items": items])
            }
        }
        if report.alreadyDone {
            print("the store is already under the key \(report.newFingerprint); nothing to do")
            return
        }
        print(
            "rotated \(report.items) items from key \(report.oldFingerprint) to \(report.newFingerprint) (\(report.rewrapped) rewrapped by this run)"
        )
        if !report.unreadable.isEmpty {
            print("\(report.unreadable.count) items open under neither key and were left as they were:")
            for id in report.unreadable { print("  \(id)") }
            throw ExitCode(1)
        }
        print("now configure \(newKeyFile) as the store's key; keep the old key for backups made before today")
    }

    private func emit(_ object: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
