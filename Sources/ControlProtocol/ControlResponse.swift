import CustodyCore
import Foundation

/// One response line: `{"v":1,"id":…,"ok":true, "status"|"items"+"count"|"item"+"metadata"+"audit": …}`
/// or `{"v":1,"id":…,"ok":false,"error":{"code":…,"message":…}}` (docs/control-protocol.md).
/// Fields that do not apply are absent.
public struct ControlResponse: Codable, Sendable, Equatable {
    /// The protocol version (`v`).
    public var version: Int
    /// The request's id, echoed; absent when the request had none or could not be read.
    public var id: String?
    /// Whether the request was served.
    public var ok: Bool
    /// `status`: the daemon's status.
    public var status: DaemonStatus?
    /// `list`: the items, newest first, and how many there are.
    public var items: [ItemView]?
    public var count: Int?
    /// `list` asked with `total`: how many items match in all, beyond this page.
    public var total: Int?
    /// `show`: the item, everything probing found (absent until probed) and its audit trail.
    public var item: ItemView?
    public var metadata: MediaMetadata?
    public var audit: [AuditEntryView]?
    /// When `ok` is false: why.
    public var error: ControlError?
    /// `whoami`.
    public var whoami: WhoAmIView?
    /// `person.add/show/leave`; `person.list`.
    public var person: PersonView?
    public var persons: [PersonView]?
    /// `unit.add`; `unit.list`.
    public var unit: UnitView?
    public var units: [UnitView]?
    /// `grant.request/approve/reject/revoke`; `grant.list`.
    public var grant: GrantView?
    public var grants: [GrantView]?
    /// `device.*`; `device.list`.
    public var device: DeviceView?
    public var devices: [DeviceView]?
    /// `audit`: the entries, oldest first (`audit` in a `show` answer is the item's trail).
    public var entries: [AuditEntryView]?
    /// `view.open`: the view of an item's content; `export.*`: the export.
    public var view: ContentView?
    public var export: ExportView?
    public var exports: [ExportView]?
    /// `view.read`: how many raw bytes follow the response line (docs/control-protocol.md, "Content").
    public var dataLength: Int?
    /// `view.read`: the bytes that follow the line, not part of the JSON.
    public var payload: [UInt8] = []
    /// `show`: the item's review, categories, retention, holds and notes.
    public var review: ItemReviewView?
    /// `show` of a shredded item: its tombstone.
    public var tombstone: TombstoneView?
    /// `review.queue`; `review.claim/next/assign` (absent from `next` when the queue is empty).
    public var queue: [QueueEntryView]?
    public var claim: ClaimView?
    /// `review.done`, `categorize`, `uncategorize`: the item's retention after the change.
    public var retention: RetentionView?
    /// `note.add`.
    public var note: NoteView?
    /// `category.add/set`; `category.list`.
    public var category: CategoryView?
    public var categories: [CategoryView]?
    /// `category.set/remove`, `uncategorize`: what the change does or would do to due dates.
    public var preview: PolicyPreviewView?
    /// `hold.place/release/show`; `hold.list`.
    public var hold: HoldView?
    public var holds: [HoldView]?
    /// `report`: the supervision figures.
    public var report: SupervisionReportView?
    /// `deletion.request/approve/reject/show`; `deletion.list`; `deletion.due`; `deletion.restore`.
    public var deletion: DeletionView?
    public var deletions: [DeletionView]?
    public var due: [DueItemView]?
    public var restored: DeletionItemView?
    /// `deletion.receipt`.
    public var receipt: DeletionReceiptView?

    enum CodingKeys: String, CodingKey {
        case version = "v"
        case id, ok, status, items, count, item, metadata, audit, error
        case total
        case whoami, person, persons, unit, units, grant, grants, device, devices, entries, view, export, exports
        case dataLength = "data_length"
        case review, tombstone, queue, claim, retention, note, category, categories, preview, hold, holds
        case report
        case deletion, deletions, due, restored, receipt
    }

    /// A successful answer whose fields `fill` sets.
    public static func answer(id: String?, _ fill: (inout ControlResponse) -> Void) -> ControlResponse {
        var response = ControlResponse(id: id, ok: true)
        fill(&response)
        return response
    }

    private init(id: String?, ok: Bool) {
        version = ControlLimits.version
        self.id = id
        self.ok = ok
    }

    /// The answer to `status`.
    public static func status(_ status: DaemonStatus, id: String?) -> ControlResponse {
        var response = ControlResponse(id: id, ok: true)
        response.status = status
        return response
    }

    /// The answer to `list`.
    public static func items(_ items: [ItemView], id: String?) -> ControlResponse {
        var response = ControlResponse(id: id, ok: true)
        response.items = items
        response.count = items.count
        return response
    }

    /// The answer to `show`.
    public static func item(_ detail: ItemDetailView, id: String?) -> ControlResponse {
        var response = ControlResponse(id: id, ok: true)
        response.item = detail.item
        response.metadata = detail.metadata
        response.audit = detail.audit
        response.review = detail.review
        response.tombstone = detail.tombstone
        return response
    }

    /// A refusal or failure.
    public static func failure(_ error: ControlError, id: String?) -> ControlResponse {
        var response = ControlResponse(id: id, ok: false)
        response.error = error
        return response
    }

    /// The answer to `view.read`: `bytes` after the line.
    public static func data(_ bytes: [UInt8], id: String?) -> ControlResponse {
        var response = ControlResponse(id: id, ok: true)
        response.dataLength = bytes.count
        response.payload = bytes
        return response
    }

    /// The response as one line of JSON, newline included.
    public func encodedLine() throws -> [UInt8] {
        var bytes = Array(try ControlJSON.encoder.encode(self))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Parses one response line (without its newline).
    /// - Throws: `ControlError` `unsupportedVersion` when the server speaks another version,
    ///   `badRequest` when the line is not a response.
    public static func decode(line: [UInt8]) throws(ControlError) -> ControlResponse {
        struct Version: Decodable { var v: Int }
        let data = Data(line)
        guard let version = try? ControlJSON.decoder.decode(Version.self, from: data) else {
            throw ControlError(
                code: .badRequest, message: "the server sent a line that is not a control protocol response")
        }
        guard version.v == ControlLimits.version else {
            throw ControlError(
                code: .unsupportedVersion,
                message:
                    "custodyd speaks control protocol version \(version.v), this custody speaks \(ControlLimits.version); install matching versions of custody and custodyd"
            )
        }
        do {
            return try ControlJSON.decoder.decode(ControlResponse.self, from: data)
        } catch {
            throw ControlError(
                code: .badRequest, message: "the server sent a response this custody cannot read (\(error))")
        }
    }
}
