import ArgumentParser
import ControlProtocol
import CustodyCommandLine
import CustodyCore
import CustodyDaemon

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one item and its audit trail.")

    @OptionGroup var options: StateOptions

    @Argument(help: "Item id, or its first 8 or more characters.")
    var id: String

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var time: TimeOptions

    func run() throws {
        let state = try options.open(needsKey: false)
        let response = try state.perform(.show(id))
        guard let item = response.item else { throw DaemonError(code: .invalidArgument, message: "no item \(id)") }
        let audit = response.audit ?? []
        if json {
            var detail = ItemDetailView(item: item, metadata: response.metadata, audit: audit)
            detail.review = response.review
            detail.tombstone = response.tombstone
            try printJSON(detail)
            return
        }
        let lines = ItemDetailText.lines(
            item, metadata: response.metadata, audit: audit,
            objectPath: SHA256Digest(hex: item.ciphertextSHA256).map { state.store.objectPath(for: $0).string },
            review: response.review, tombstone: response.tombstone, time: time.display)
        for line in lines { print(line) }
    }
}
