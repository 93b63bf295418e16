import CustodyCore
import Foundation

/// Who did something: a kernel-verified uid and, for people, the name it maps to.
public struct AuditActor: Sendable, Equatable, CustomStringConvertible {
    /// The Unix user id.
    public var uid: UInt32
    /// The user name, when the uid maps to one.
    public var name: String?

    /// Creates an actor.
    public init(uid: UInt32, name: String?) {
        self.uid = uid
        self.name = name
    }

    /// `uid:1000(alice)`, or `uid:1000` when the uid has no name.
    public var description: String { name.map { "uid:\(uid)(\($0))" } ?? "uid:\(uid)" }
}

/// One thing to write to the audit log.
public struct AuditEvent: Sendable, Equatable {
    /// What happened: one of the vocabulary in `AuditAction`.
    public var action: AuditAction
    /// The item it concerns, if any.
    public var itemID: EvidenceID?
    /// Facts about it. Never keys, never plaintext.
    public var detail: [String: String]

    /// Creates an event.
    public init(action: AuditAction, itemID: EvidenceID? = nil, detail: [String: String] = [:]) {
        self.action = action
        self.itemID = itemID
        self.detail = detail
    }
}

/// One entry of the audit chain, as stored.
public struct AuditEntry: Sendable, Equatable {
    public var sequence: Int64
    public var at: Date
    public var actor: String
    public var action: String
    public var itemID: String?
    /// The detail as stored: JSON with sorted keys.
    public var detail: String
    public var previousHash: [UInt8]
    public var hash: [UInt8]
}
