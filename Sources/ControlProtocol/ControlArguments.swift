/// The parameters of the registry, grant, audit and identity requests (`person.add`, `grant.approve`,
/// …), flat beside `request` like the list filters. Which a request may carry is
/// `ControlRequest.Kind.parameterNames`; an unknown one is refused. Required ones are checked by the
/// operation, which names what is missing.
public struct ControlArguments: Codable, Sendable, Equatable {
    /// A badge id (`person.*`) or unit id (`unit.add`).
    public var id: String?
    public var name: String?
    /// A unit id: the person's unit, or the unit to list.
    public var unit: String?
    /// A Unix account name.
    public var account: String?
    /// The parent unit.
    public var parent: String?
    /// The badge id of a unit's head.
    public var head: String?
    /// Why: a grant request, a rejection, a revocation, a departure, a retirement.
    public var reason: String?
    /// A badge id a grant or assignment is for.
    public var person: String?
    /// `officer`, `reviewer`, `administrator` or `auditor`.
    public var role: String?
    /// The unit a reviewer grant covers (with its sub-units).
    public var scope: String?
    /// A grant's validity, as dates or RFC 3339 text.
    public var from: String?
    public var until: String?
    /// A grant's number.
    public var grant: Int64?
    /// A device serial.
    public var serial: String?
    public var model: String?
    public var family: String?
    /// Maintenance: what was done and the result; `status` `in_maintenance` or `in_service`.
    public var what: String?
    public var result: String?
    public var status: String?
    /// `audit`: only entries about this item, or with this action.
    public var item: String?
    public var action: String?
    /// `audit`: entries after this sequence number, and at most `limit` of them.
    public var after: Int64?
    public var limit: Int?
    /// `export.request`: the items; `recipient` and `purpose` of the export.
    public var items: [String]?
    public var recipient: String?
    public var purpose: String?
    /// An export's number.
    public var export: Int64?
    /// `export.finish`: the SHA-256 of the bag's `manifest-sha256.txt`.
    public var manifest: String?
    /// `view.*`: the view's token; `view.read`: the range; `view.open`: `play` or `cat`.
    public var view: String?
    public var offset: Int64?
    public var length: Int?
    public var mode: String?
    /// Review: a claim's lease in minutes; the outcome; case numbers; categories; a note's text
    /// (also a category's description).
    public var lease: Int?
    public var outcome: String?
    public var cases: [String]?
    public var categories: [String]?
    public var text: String?
    /// Categories: a retention (`90d`, `6m`, `10y`, `permanent`) and access class (`normal`, `restricted`).
    public var retention: String?
    public var access: String?
    /// A policy change takes effect only with `confirm` true; without it, it is a dry run.
    public var confirm: Bool?
    /// Holds: the case or matter, who ordered it, the items, the query (officer, device, `from`/`until`
    /// recorded range, `cases`; the items are `items` above), a hold's number, and whether to list only open holds.
    public var matter: String?
    public var authority: String?
    public var officer: String?
    public var device: String?
    public var hold: Int64?
    public var open: Bool?
    /// Deletion: a request's number, and whether the request knowingly names items that are not due
    /// (a special deletion, whose reason says why).
    public var deletion: Int64?
    public var notDue: Bool?

    /// Arguments; unset fields are absent on the wire.
    public init(
        id: String? = nil, name: String? = nil, unit: String? = nil, account: String? = nil, parent: String? = nil,
        head: String? = nil, reason: String? = nil, person: String? = nil, role: String? = nil, scope: String? = nil,
        from: String? = nil, until: String? = nil, grant: Int64? = nil, serial: String? = nil, model: String? = nil,
        family: String? = nil, what: String? = nil, result: String? = nil, status: String? = nil,
        item: String? = nil, action: String? = nil, after: Int64? = nil, limit: Int? = nil, items: [String]? = nil,
        recipient: String? = nil, purpose: String? = nil, export: Int64? = nil, manifest: String? = nil,
        view: String? = nil, offset: Int64? = nil, length: Int? = nil, mode: String? = nil
    ) {
        self.items = items
        self.recipient = recipient
        self.purpose = purpose
        self.export = export
        self.manifest = manifest
        self.view = view
        self.offset = offset
        self.length = length
        self.mode = mode
        self.id = id
        self.name = name
        self.unit = unit
        self.account = account
        self.parent = parent
        self.head = head
        self.reason = reason
        self.person = person
        self.role = role
        self.scope = scope
        self.from = from
        self.until = until
        self.grant = grant
        self.serial = serial
        self.model = model
        self.family = family
        self.what = what
        self.result = result
        self.status = status
        self.item = item
        self.action = action
        self.after = after
        self.limit = limit
    }

    /// The arguments that are set, as text for the audit log.
    public var auditDetail: [String: String] {
        var detail: [String: String] = [:]
        let mirror = Mirror(reflecting: self)
        for child in mirror.children {
            guard let label = child.label else { continue }
            // A note's text is evidence that goes with a recording, not a fact about the request: the
            // log records its length, so shredding the item later leaves no copy in the chain.
            if label == "text" {
                if let text = child.value as? String? { detail["text_length"] = text.map { "\($0.count)" } }
                continue
            }
            switch child.value {
            case let value as String?: detail[label] = value
            case let value as Int64?: detail[label] = value.map { "\($0)" }
            case let value as Int?: detail[label] = value.map { "\($0)" }
            case let value as Bool?: detail[label] = value.map { "\($0)" }
            case let value as [String]?: detail[label] = value.map { $0.joined(separator: ",") }
            default: break
            }
        }
        // A view's token is a capability: the log names views by number, never by token.
        detail["view"] = view.map { String($0.prefix(8)) + "…" }
        return detail
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, unit, account, parent, head, reason, person, role, scope, from, until, grant, serial, model
        case family, what, result, status, item, action, after, limit, items, recipient, purpose, export, manifest
        case view, offset, length, mode
        case lease, outcome, cases, categories, text, retention, access, confirm, matter, authority, officer
        case device, hold, open
        case deletion
        case notDue = "not_due"
    }
}
