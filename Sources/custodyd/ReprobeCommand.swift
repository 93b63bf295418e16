import ArgumentParser
import Catalog
import CustodyDaemon
import Ingest

struct ReprobeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reprobe",
        abstract: "Read media metadata again, through the store, for the given items (default: all).")

    @OptionGroup var options: StateOptions

    @Argument(help: "Item ids (or their first 8 or more characters). None means every item.")
    var ids: [String] = []

    func run() throws {
        let state = try options.open(needsKey: true)
        var count = 0
        try state.withWriteAccess(logger: commandLogger) { _ in
            let reprober = Reprober(
                store: state.store, catalog: state.catalog, keyEncryptionKey: try state.requireKey())
            if ids.isEmpty {
                try state.catalog.forEachItem(batchSize: 200) { items in
                    try reprober.reprobe(items)
                    count += items.count
                }
            } else {
                let items = try ids.map { try state.catalog.item(matching: $0) }
                try reprober.reprobe(items)
                count = items.count
            }
        }
        print("\(count) item\(count == 1 ? "" : "s") probed")
    }
}
