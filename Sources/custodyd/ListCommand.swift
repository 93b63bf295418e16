import ArgumentParser
import Catalog
import ControlProtocol
import CustodyCommandLine
import CustodyCore
import CustodyDaemon
import Foundation

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List items, newest first.")

    @OptionGroup var options: StateOptions

    @OptionGroup var filters: ItemFilterOptions

    @Option(help: "At most this many items.")
    var limit = 100

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let filter = try makeFilter()
        let stateDirectory = try options.open(needsKey: false)
        let items = try stateDirectory.catalog.items(matching: filter)
        try stateDirectory.catalog.audit([
            AuditEvent(action: .catalogListed, detail: filterDetail(count: items.count))
        ])
        if json {
            try printJSON(ItemListView(items: items.map(ItemView.init)))
            return
        }
        for line in ItemListing.lines(items.map(ItemView.init)) { print(line) }
    }

    func makeFilter() throws -> ItemFilter {
        if let itemState = filters.itemState, ItemState(rawValue: itemState) == nil {
            throw DaemonError(
                code: .invalidArgument, message: "--item-state '\(itemState)' is not one of: stored, verified")
        }
        if let kind = filters.kind, MediaMetadata.Kind(rawValue: kind) == nil {
            throw DaemonError(
                code: .invalidArgument, message: "--kind '\(kind)' is not one of: video, audio, photo, other")
        }
        return ItemFilter(
            deviceID: filters.device,
            ingestedFrom: try filters.from.map { try Timestamps.parse($0, argument: "--from") },
            ingestedBefore: try filters.to.map { try Timestamps.parse($0, argument: "--to") },
            sha256Prefix: filters.sha256Prefix,
            state: filters.itemState.flatMap(ItemState.init),
            recordedFrom: try filters.recordedFrom.map { try Timestamps.parse($0, argument: "--recorded-from") },
            recordedBefore: try filters.recordedTo.map { try Timestamps.parse($0, argument: "--recorded-to") },
            officerID: filters.officer, kind: filters.kind.flatMap(MediaMetadata.Kind.init),
            hasLocation: filters.location, limit: limit)
    }

    private func filterDetail(count: Int) -> [String: String] {
        var detail = ["results": "\(count)"]
        detail["device"] = filters.device
        detail["from"] = filters.from
        detail["to"] = filters.to
        detail["sha256"] = filters.sha256Prefix
        detail["state"] = filters.itemState
        detail["recorded_from"] = filters.recordedFrom
        detail["recorded_to"] = filters.recordedTo
        detail["officer"] = filters.officer
        detail["kind"] = filters.kind
        detail["location"] = filters.location.map { "\($0)" }
        return detail
    }
}
