import Foundation

/// The fixed numbers of the control protocol (docs/control-protocol.md).
public enum ControlLimits {
    /// The protocol version this build speaks: the `v` of every request and response.
    public static let version = 1
    /// The longest request line the server reads, newline excluded. A longer one is answered with
    /// `tooLarge` and the connection is closed.
    public static let maxRequestLineBytes = 64 * 1024
    /// The longest response line a server writes and a client reads, newline excluded.
    public static let maxResponseLineBytes = 16 * 1024 * 1024
    /// The most items one `list` request may ask for, so a response stays well under the line limit.
    public static let maxListLimit = 1000
}

/// One request line: `{"v":1,"id":"…","request":"status"|"list"|"show", …parameters}`.
///
/// Decoding is strict: an unknown field is a `badRequest` rather than ignored, so a filter a server
/// does not understand never silently widens a listing.
public struct ControlRequest: Sendable, Equatable {
    /// Which request this is.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// The daemon's status, once or as a watch.
        case status
        /// Items matching filters.
        case list
        /// One item with its metadata and audit trail.
        case show
        /// Who the daemon thinks the caller is, with the roles in force.
        case whoami
        /// Entries of the audit log (administrators and auditors).
        case audit
        case personAdd = "person.add"
        case personList = "person.list"
        case personShow = "person.show"
        case personLeave = "person.leave"
        case unitAdd = "unit.add"
        case unitList = "unit.list"
        /// A unit's head, set or changed after the unit was made (its first person comes after it).
        case unitSet = "unit.set"
        case grantRequest = "grant.request"
        case grantApprove = "grant.approve"
        case grantReject = "grant.reject"
        case grantRevoke = "grant.revoke"
        case grantList = "grant.list"
        case deviceAdd = "device.add"
        case deviceAssign = "device.assign"
        case deviceReturn = "device.return"
        case deviceMaintenance = "device.maintenance"
        case deviceRetire = "device.retire"
        case deviceShow = "device.show"
        case deviceList = "device.list"
        case viewOpen = "view.open"
        case viewRead = "view.read"
        case viewClose = "view.close"
        case exportRequest = "export.request"
        case exportApprove = "export.approve"
        case exportReject = "export.reject"
        case exportList = "export.list"
        case exportOpen = "export.open"
        case exportFinish = "export.finish"
        case reviewQueue = "review.queue"
        case reviewClaim = "review.claim"
        case reviewNext = "review.next"
        case reviewDone = "review.done"
        case reviewRelease = "review.release"
        case reviewAssign = "review.assign"
        case noteAdd = "note.add"
        case categoryAdd = "category.add"
        case categoryList = "category.list"
        case categorySet = "category.set"
        case categoryRemove = "category.remove"
        case categorize
        case uncategorize
        case holdPlace = "hold.place"
        case holdRelease = "hold.release"
        case holdList = "hold.list"
        case holdShow = "hold.show"
        /// The supervision report over a period (`from`, `until`) and the caller's scope (`officer`).
        case report
        case deletionDue = "deletion.due"
        case deletionRequest = "deletion.request"
        case deletionApprove = "deletion.approve"
        case deletionReject = "deletion.reject"
        case deletionList = "deletion.list"
        case deletionShow = "deletion.show"
        case deletionRestore = "deletion.restore"
        /// The proof of a shredded item's erasure, with the audit entries that record it (`item`).
        case deletionReceipt = "deletion.receipt"
    }

    /// The protocol version (`v`).
    public var version: Int
    /// An id the client chose, echoed in the response (`id`); nil when the client sent none.
    public var id: String?
    /// Which request (`request`).
    public var kind: Kind
    /// `status` only: keep sending a status line whenever the status changes (`watch`).
    public var watch: Bool
    /// `list` only: the filters.
    public var query: ItemQuery
    /// `show` only: the item id or its first 8 or more characters (`item`).
    public var item: String?
    /// The other requests' parameters.
    public var arguments = ControlArguments()

    /// A `status` request; with `watch`, a subscription.
    public static func status(watch: Bool = false, id: String? = nil) -> ControlRequest {
        ControlRequest(
            version: ControlLimits.version, id: id, kind: .status, watch: watch, query: ItemQuery(), item: nil)
    }

    /// A `list` request.
    public static func list(_ query: ItemQuery, id: String? = nil) -> ControlRequest {
        ControlRequest(version: ControlLimits.version, id: id, kind: .list, watch: false, query: query, item: nil)
    }

    /// A registry, grant, audit or identity request.
    public static func operation(_ kind: Kind, _ arguments: ControlArguments = ControlArguments(), id: String? = nil)
        -> ControlRequest
    {
        var request = ControlRequest(
            version: ControlLimits.version, id: id, kind: kind, watch: false, query: ItemQuery(), item: nil)
        request.arguments = arguments
        return request
    }

    /// A `show` request.
    public static func show(_ item: String, id: String? = nil) -> ControlRequest {
        ControlRequest(
            version: ControlLimits.version, id: id, kind: .show, watch: false, query: ItemQuery(), item: item)
    }

    /// Creates a request.
    public init(version: Int, id: String?, kind: Kind, watch: Bool, query: ItemQuery, item: String?) {
        self.version = version
        self.id = id
        self.kind = kind
        self.watch = watch
        self.query = query
        self.item = item
    }
}

/// The filters of a `list` request, as `custodyd list` takes them. Times are text as the user typed
/// them (`2024-05-01` or RFC 3339); the daemon parses and checks them, naming the field on error.
public struct ItemQuery: Codable, Sendable, Equatable {
    /// Only items from this device id (`device`).
    public var device: String?
    /// Only items ingested at or after this time (`from`).
    public var from: String?
    /// Only items ingested before this time (`to`).
    public var to: String?
    /// Only items whose SHA-256 starts with these hex digits (`sha256`).
    public var sha256: String?
    /// Only items in this lifecycle state: `stored`, `verified` (`state`).
    public var state: String?
    /// Only items recorded at or after / before this time (`recorded_from`, `recorded_to`).
    public var recordedFrom: String?
    public var recordedTo: String?
    /// Only items of this officer id (`officer`).
    public var officer: String?
    /// Only items of this media kind: `video`, `audio`, `photo`, `other` (`kind`).
    public var kind: String?
    /// Only items with (true) or without (false) a recorded location (`location`).
    public var location: Bool?
    /// At most this many items, 1 to `ControlLimits.maxListLimit` (`limit`, default 100).
    public var limit: Int?
    /// Only items whose attribution sources disagreed (true) or agreed (false) (`flagged`).
    public var flagged: Bool?
    /// Only items due before / at or after this time (`due_before`, `due_after`), soonest due first.
    public var dueBefore: String?
    public var dueAfter: String?
    /// Only items in this category (`category`; `uncategorized`: items without one).
    public var category: String?
    /// Only items in this review state: `pending`, `claimed`, `reviewed` (`review_state`).
    public var reviewState: String?
    /// Only items with this case number (`case`).
    public var caseNumber: String?
    /// Only items under an open hold (true) or under none (false) (`held`).
    public var held: Bool?
    /// Only items whose object failed a fixity check (true) or never did (false) (`fixity_failed`).
    public var fixityFailed: Bool?
    /// Only items after this item id in the list's order (`after`): the previous page's last item.
    public var after: String?
    /// Whether to answer with how many items match in all (`total`), which costs a count.
    public var total: Bool?
    /// Only items whose notes or case numbers hold every word of this text (`search`).
    public var search: String?

    /// A query; no field set lists the newest 100 items.
    public init(
        device: String? = nil, from: String? = nil, to: String? = nil, sha256: String? = nil, state: String? = nil,
        recordedFrom: String? = nil, recordedTo: String? = nil, officer: String? = nil, kind: String? = nil,
        location: Bool? = nil, limit: Int? = nil, flagged: Bool? = nil
    ) {
        self.flagged = flagged
        self.device = device
        self.from = from
        self.to = to
        self.sha256 = sha256
        self.state = state
        self.recordedFrom = recordedFrom
        self.recordedTo = recordedTo
        self.officer = officer
        self.kind = kind
        self.location = location
        self.limit = limit
    }

    /// The fields as `name: value` text, for the audit log.
    public var auditDetail: [String: String] {
        var detail: [String: String] = [:]
        detail["device"] = device
        detail["from"] = from
        detail["to"] = to
        detail["sha256"] = sha256
        detail["state"] = state
        detail["recorded_from"] = recordedFrom
        detail["recorded_to"] = recordedTo
        detail["officer"] = officer
        detail["kind"] = kind
        detail["location"] = location.map { "\($0)" }
        detail["limit"] = limit.map { "\($0)" }
        detail["flagged"] = flagged.map { "\($0)" }
        detail["due_before"] = dueBefore
        detail["due_after"] = dueAfter
        detail["category"] = category
        detail["review_state"] = reviewState
        detail["case"] = caseNumber
        detail["held"] = held.map { "\($0)" }
        detail["fixity_failed"] = fixityFailed.map { "\($0)" }
        detail["after"] = after
        detail["search"] = search
        return detail
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case device, from, to, sha256, state, officer, kind, location, limit, flagged
        case recordedFrom = "recorded_from"
        case recordedTo = "recorded_to"
        case dueBefore = "due_before"
        case dueAfter = "due_after"
        case category
        case reviewState = "review_state"
        case caseNumber = "case"
        case held
        case fixityFailed = "fixity_failed"
        case after, total, search
    }
}

// MARK: - Wire form

extension ControlRequest {
    /// The request as one line of JSON, newline included.
    public func encodedLine() throws -> [UInt8] {
        var bytes = Array(try ControlJSON.encoder.encode(self))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Parses one request line (without its newline).
    /// - Throws: `ControlError` with `unsupportedVersion` or `badRequest`, naming the field and the fix;
    ///   the id the line carried, if it could be read, is in `requestID`.
    public static func decode(line: [UInt8]) throws(ControlRequestError) -> ControlRequest {
        let data = Data(line)
        let header: Header
        do {
            header = try ControlJSON.decoder.decode(Header.self, from: data)
        } catch {
            throw ControlRequestError(
                requestID: nil,
                error: ControlError(
                    code: .badRequest,
                    message:
                        "the request is not a JSON object with a string \"request\" and an integer \"v\"; send one object per line, e.g. {\"v\":1,\"request\":\"status\"}"
                ))
        }
        guard header.v == ControlLimits.version else {
            throw ControlRequestError(
                requestID: header.id,
                error: ControlError(
                    code: .unsupportedVersion,
                    message:
                        "this custodyd speaks control protocol version \(ControlLimits.version), not \(header.v); install a custody CLI that matches the daemon"
                ))
        }
        guard let kind = Kind(rawValue: header.request) else {
            throw ControlRequestError(
                requestID: header.id,
                error: ControlError(
                    code: .badRequest,
                    message:
                        "unknown request '\(header.request)'; use one of: \(Kind.allCases.map(\.rawValue).joined(separator: ", "))"
                ))
        }
        let allowed = Set(["v", "id", "request"]).union(kind.parameterNames)
        if let unknown = header.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw ControlRequestError(
                requestID: header.id,
                error: ControlError(
                    code: .badRequest,
                    message:
                        "a \(kind.rawValue) request has no field '\(unknown)'; its fields are: \(kind.parameterNames.sorted().joined(separator: ", "))"
                ))
        }
        do {
            let request = try ControlJSON.decoder.decode(ControlRequest.self, from: data)
            try request.validate()
            return request
        } catch let error as ControlError {
            throw ControlRequestError(requestID: header.id, error: error)
        } catch {
            throw ControlRequestError(
                requestID: header.id,
                error: ControlError(code: .badRequest, message: "\(Self.describe(error)); see docs/control-protocol.md")
            )
        }
    }

    private func validate() throws(ControlError) {
        if kind == .show, (item ?? "").isEmpty {
            throw ControlError(
                code: .badRequest, message: "a show request needs \"item\": an item id or its first 8 characters")
        }
        if let limit = query.limit, !(1...ControlLimits.maxListLimit).contains(limit) {
            throw ControlError(
                code: .badRequest,
                message: "limit must be 1 to \(ControlLimits.maxListLimit), not \(limit); narrow the filter instead")
        }
    }

    /// A decoding error as a sentence naming the field.
    private static func describe(_ error: any Error) -> String {
        func field(_ path: [any CodingKey]) -> String { path.map(\.stringValue).joined(separator: ".") }
        switch error as? DecodingError {
        case .typeMismatch(let type, let context)?:
            return "field '\(field(context.codingPath))' must be \(Self.typeName(type))"
        case .valueNotFound(let type, let context)?:
            return "field '\(field(context.codingPath))' must be \(Self.typeName(type)), not null"
        case .keyNotFound(let key, _)?:
            return "field '\(key.stringValue)' is missing"
        case .dataCorrupted(let context)?:
            return "the request is not valid JSON (\(context.debugDescription))"
        default:
            return "the request could not be read (\(error))"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        if type == String.self { return "a string" }
        if type == Bool.self { return "true or false" }
        if type == Int.self { return "an integer" }
        return "a \(type)"
    }

    /// What is read before the rest: enough to echo the id and pick the decoder.
    private struct Header: Decodable {
        var v: Int
        var id: String?
        var request: String
        var keys: [String]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyKey.self)
            v = try container.decode(Int.self, forKey: AnyKey("v"))
            id = try? container.decode(String.self, forKey: AnyKey("id"))
            request = try container.decode(String.self, forKey: AnyKey("request"))
            keys = container.allKeys.map(\.stringValue)
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension ControlRequest.Kind {
    /// The fields a request of this kind may carry besides `v`, `id` and `request`.
    var parameterNames: Set<String> {
        switch self {
        case .status: return ["watch"]
        case .list: return Set(ItemQuery.CodingKeys.allCases.map(\.rawValue))
        case .show: return ["item"]
        case .whoami, .unitList, .deviceList: return []
        case .audit: return ["item", "action", "after", "limit"]
        case .personAdd: return ["id", "name", "unit", "account", "head"]
        case .personList: return ["unit"]
        case .personShow: return ["id"]
        case .personLeave: return ["id", "reason"]
        case .unitAdd: return ["id", "name", "parent", "head"]
        case .unitSet: return ["id", "head"]
        case .grantRequest: return ["person", "role", "scope", "reason", "from", "until"]
        case .grantApprove: return ["grant"]
        case .grantReject, .grantRevoke: return ["grant", "reason"]
        case .grantList: return ["person"]
        case .deviceAdd: return ["serial", "model", "family"]
        case .deviceAssign: return ["serial", "person"]
        case .deviceReturn, .deviceShow: return ["serial"]
        case .deviceMaintenance: return ["serial", "what", "result", "status"]
        case .deviceRetire: return ["serial", "reason"]
        case .viewOpen: return ["item", "mode"]
        case .viewRead: return ["view", "offset", "length"]
        case .viewClose: return ["view"]
        case .exportRequest: return ["items", "recipient", "purpose"]
        case .exportApprove: return ["export", "until"]
        case .exportReject: return ["export", "reason"]
        case .exportList: return []
        case .exportOpen: return ["export"]
        case .exportFinish: return ["export", "manifest"]
        case .reviewQueue: return ["limit"]
        case .reviewClaim: return ["item", "lease"]
        case .reviewNext: return ["lease"]
        case .reviewDone: return ["item", "outcome", "cases", "categories", "text"]
        case .reviewRelease: return ["item"]
        case .reviewAssign: return ["item", "person", "lease"]
        case .noteAdd: return ["item", "text"]
        case .categoryAdd: return ["name", "retention", "access", "text"]
        case .categoryList: return []
        case .categorySet: return ["name", "retention", "confirm"]
        case .categoryRemove: return ["name", "confirm"]
        case .categorize: return ["item", "categories"]
        case .uncategorize: return ["item", "categories", "confirm"]
        case .holdPlace: return ["matter", "authority", "reason", "items", "officer", "device", "from", "until", "cases"]
        case .holdRelease: return ["hold", "reason"]
        case .holdList: return ["open"]
        case .holdShow: return ["hold"]
        case .report: return ["from", "until", "officer", "unit"]
        case .deletionDue: return ["limit"]
        case .deletionRequest: return ["items", "officer", "device", "reason", "not_due"]
        case .deletionApprove: return ["deletion"]
        case .deletionReject: return ["deletion", "reason"]
        case .deletionList: return ["open"]
        case .deletionShow: return ["deletion"]
        case .deletionRestore: return ["item"]
        case .deletionReceipt: return ["item"]
        }
    }
}

extension ControlRequest: Codable {
    enum CodingKeys: String, CodingKey {
        case v, id, request, watch, item
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .v)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        kind = try container.decode(Kind.self, forKey: .request)
        watch = try container.decodeIfPresent(Bool.self, forKey: .watch) ?? false
        item = try container.decodeIfPresent(String.self, forKey: .item)
        // The list filters and the other parameters sit beside `request`, not in an object of their own.
        query = kind == .list ? try ItemQuery(from: decoder) : ItemQuery()
        switch kind {
        case .status, .list, .show: arguments = ControlArguments()
        default: arguments = try ControlArguments(from: decoder)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .v)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(kind, forKey: .request)
        switch kind {
        case .status: if watch { try container.encode(true, forKey: .watch) }
        case .list: try query.encode(to: encoder)
        case .show: try container.encodeIfPresent(item, forKey: .item)
        default: try arguments.encode(to: encoder)
        }
    }
}

/// A request line that could not be accepted: the error to answer with, and the id to echo.
public struct ControlRequestError: Error, Sendable, Equatable {
    /// The request's `id`, when the line was JSON enough to carry one.
    public var requestID: String?
    /// What to answer.
    public var error: ControlError

    /// Creates a request error.
    public init(requestID: String?, error: ControlError) {
        self.requestID = requestID
        self.error = error
    }
}

/// The JSON settings both ends use: compact (one line), sorted keys, `/` unescaped.
enum ControlJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static var decoder: JSONDecoder { JSONDecoder() }
}
