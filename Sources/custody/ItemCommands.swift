import ArgumentParser
import ControlProtocol
import Foundation

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List items, newest first.")

    @OptionGroup var socket: SocketOptions

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

    @Option(help: "At most this many items (1 to 1000).")
    var limit = 100

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard (1...ControlLimits.maxListLimit).contains(limit) else {
            throw ValidationError("--limit must be 1 to \(ControlLimits.maxListLimit), not \(limit)")
        }
    }

    func run() throws {
        let query = ItemQuery(
            device: device, from: from, to: to, sha256: sha256Prefix, state: itemState, recordedFrom: recordedFrom,
            recordedTo: recordedTo, officer: officer, kind: kind, location: location, limit: limit)
        let response = try ControlClient(socketPath: socket.path).call(.list(query))
        let items = response.items ?? []
        if json {
            try printJSON(ItemListView(items: items))
            return
        }
        for item in items {
            print(
                "\(item.id)  \(item.state.padding(toLength: 8, withPad: " ", startingAt: 0))  \((item.media?.kind ?? "-").padding(toLength: 5, withPad: " ", startingAt: 0))  \(item.media?.recordedAt ?? "-")  \(item.size)  \(item.sha256.prefix(16))  \(item.source.device ?? "-")  \(item.source.path)"
            )
        }
        print("\(items.count) item\(items.count == 1 ? "" : "s")")
    }
}

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one item and its audit trail.")

    @OptionGroup var socket: SocketOptions

    @Argument(help: "Item id, or its first 8 or more characters.")
    var id: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let response = try ControlClient(socketPath: socket.path).call(.show(id))
        guard let item = response.item else {
            throw ControlClientError(code: .protocol, message: "custodyd answered a show request without an item")
        }
        let audit = response.audit ?? []
        if json {
            try printJSON(ItemDetailView(item: item, metadata: response.metadata, audit: audit))
            return
        }
        print(
            """
            id                 \(item.id)
            state              \(item.state)
            sha256             \(item.sha256)
            size               \(item.size)
            ciphertext sha256  \(item.ciphertextSHA256)
            device             \(item.source.device ?? "-")
            source root        \(item.source.root)
            source path        \(item.source.path)
            source modified    \(item.source.modified)
            ingested at        \(item.ingestedAt)
            verified at        \(item.verifiedAt ?? "-")
            """)
        if let media = item.media {
            print("media:")
            print("  kind             \(media.kind)")
            if let recordedAt = media.recordedAt {
                print("  recorded at      \(recordedAt)\(media.recordedAtSource.map { " (from \($0))" } ?? "")")
            }
            if let duration = media.durationSeconds {
                print("  duration         \(String(format: "%.3f s", duration))")
            }
            if let officer = media.officer { print("  officer          \(officer)") }
            print("  location         \(media.hasLocation ? "yes" : "no")")
            if let damaged = media.damaged { print("  damaged          \(damaged)") }
        }
        print("audit trail:")
        for entry in audit { print("  #\(entry.seq)  \(entry.at)  \(entry.actor)  \(entry.action)  \(entry.detail)") }
    }
}
