import ArgumentParser
import Catalog
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

    func run() throws {
        let state = try options.open(needsKey: false)
        let record = try state.catalog.item(matching: id)
        try state.catalog.audit([AuditEvent(action: .itemViewed, itemID: record.id)])
        let trail = try state.catalog.auditEntries(for: record.id).map(AuditEntryView.init)
        let item = ItemView(record)
        let metadata = try state.catalog.mediaMetadata(for: record.id)
        if json {
            try printJSON(ItemDetailView(item: item, metadata: metadata, audit: trail))
            return
        }
        let lines = ItemDetailText.lines(
            item, metadata: metadata, audit: trail,
            objectPath: state.store.objectPath(for: record.ciphertextSHA256).string)
        for line in lines { print(line) }
    }
}
