import ArgumentParser
import Catalog
import ControlProtocol
import CustodyCore
import CustodyDaemon
import Foundation

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List items, newest first.")

    @OptionGroup var options: StateOptions

    @Option(help: "Only items from this device id.")
    var device: String?

    @Option(help: "Only items ingested at or after this time (2024-05-01 or 2024-05-01T10:00:00Z).")
    var from: String?

    @Option(help: "Only items ingested before this time.")
    var to: String?

    @Option(name: .customLong("sha256"), help: "Only items whose SHA-256 starts with these hex digits.")
    var sha256Prefix: String?

    @Option(name: .customLong("item-state"), help: "Only items in this lifecycle state (stored, verified).")
    var itemState: String?

    @Option(name: .customLong("recorded-from"), help: "Only items recorded at or after this time.")
    var recordedFrom: String?

    @Option(name: .customLong("recorded-to"), help: "Only items recorded before this time.")
    var recordedTo: String?

    @Option(help: "Only items of this officer id.")
    var officer: String?

    @Option(help: "Only items of this media kind (video, audio, photo, other).")
    var kind: String?

    @Flag(inversion: .prefixedNo, help: "Only items with (or, with --no-location, without) a recorded location.")
    var location: Bool?

    @Option(help: "At most this many items.")
    var limit = 100

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let filter = try makeFilter()
        let stateDirectory = try options.open(needsKey: false)
        let items = try stateDirectory.catalog.items(matching: filter)
        try stateDirectory.catalog.audit([
            AuditEvent(action: "catalog.listed", detail: filterDetail(count: items.count))
        ])
        if json {
            try printJSON(ItemListView(items: items.map(ItemView.init)))
            return
        }
        for item in items.map(ItemView.init) {
            print(
                "\(item.id)  \(item.state.padding(toLength: 8, withPad: " ", startingAt: 0))  \((item.media?.kind ?? "-").padding(toLength: 5, withPad: " ", startingAt: 0))  \(item.media?.recordedAt ?? "-")  \(item.size)  \(item.sha256.prefix(16))  \(item.source.device ?? "-")  \(item.source.path)"
            )
        }
        print("\(items.count) item\(items.count == 1 ? "" : "s")")
    }

    func makeFilter() throws -> ItemFilter {
        if let itemState, ItemState(rawValue: itemState) == nil {
            throw DaemonError(
                code: .invalidArgument, message: "--item-state '\(itemState)' is not one of: stored, verified")
        }
        if let kind, MediaMetadata.Kind(rawValue: kind) == nil {
            throw DaemonError(
                code: .invalidArgument, message: "--kind '\(kind)' is not one of: video, audio, photo, other")
        }
        return ItemFilter(
            deviceID: device, ingestedFrom: try from.map { try Timestamps.parse($0, argument: "--from") },
            ingestedBefore: try to.map { try Timestamps.parse($0, argument: "--to") }, sha256Prefix: sha256Prefix,
            state: itemState.flatMap(ItemState.init),
            recordedFrom: try recordedFrom.map { try Timestamps.parse($0, argument: "--recorded-from") },
            recordedBefore: try recordedTo.map { try Timestamps.parse($0, argument: "--recorded-to") },
            officerID: officer, kind: kind.flatMap(MediaMetadata.Kind.init), hasLocation: location, limit: limit)
    }

    private func filterDetail(count: Int) -> [String: String] {
        var detail = ["results": "\(count)"]
        detail["device"] = device
        detail["from"] = from
        detail["to"] = to
        detail["sha256"] = sha256Prefix
        detail["state"] = itemState
        detail["recorded_from"] = recordedFrom
        detail["recorded_to"] = recordedTo
        detail["officer"] = officer
        detail["kind"] = kind
        detail["location"] = location.map { "\($0)" }
        return detail
    }
}
