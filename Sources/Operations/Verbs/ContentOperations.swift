import Catalog
import ControlProtocol
import CustodyCore
import EvidenceStore
import Foundation

/// `view.open/read/close`: a recording's plaintext served to the one caller who may see it, range by
/// range, for `custody play` and `custody cat` (DESIGN §14). Every view's start and end are audited
/// with who, which item, when, how many bytes; no plaintext is written anywhere.
extension Operations {
    /// The most one `view.read` returns: four segments.
    public static let largestRead = 4 << 20

    func openView(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let item = try Self.required(arguments.item, "item", of: "view open")
        let mode = arguments.mode ?? "play"
        guard ["play", "cat"].contains(mode) else {
            throw ControlError(code: .badRequest, message: "mode '\(mode)' is not one of: play, cat")
        }
        let content = try requireContent()
        let record = try catalog.item(matching: item)
        let allowance = try context.authorize(
            .viewContent, try resource(record), item: record.id)
        guard record.state == .verified else {
            throw ControlError(code: .badRequest, message: "item \(record.id) is not verified yet; it can be viewed once it is")
        }
        try requireNotTrashed(record.id)
        _ = content
        endIdleViews(at: context.now)
        let view = try views.open(
            record, uid: context.principal.caller.uid, principal: context.principal.key, mode: mode, at: context.now)
        try allowance.record(.viewStarted, item: record.id, ["view": view.number, "mode": mode, "size": "\(record.size)"])
        return .answer(id: context.request.id) { $0.view = Self.contentView(view) }
    }

    func readView(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let token = try Self.required(arguments.view, "view", of: "view read")
        let offset = arguments.offset ?? 0
        let length = arguments.length ?? Self.largestRead
        guard offset >= 0, (1...Self.largestRead).contains(length) else {
            throw ControlError(
                code: .badRequest, message: "a view read takes offset >= 0 and length 1 to \(Self.largestRead)")
        }
        let content = try requireContent()
        let uid = context.principal.caller.uid
        guard let view = views.use(token, uid: uid, at: context.now) else {
            throw ControlError(code: .notFound, message: "no open view \(token.prefix(8))…; open one with `view.open`")
        }
        // Asked again before every chunk (DESIGN §15): what opened the view is not a ticket.
        let record: ItemRecord
        switch try currentRecord(of: view, for: context.principal) {
        case .success(let current): record = current
        case .failure(let ended):
            if let closed = views.close(token, uid: uid) {
                try audit(ended: closed, outcome: "access_ended", error: nil, reason: ended.reason, context)
            }
            throw ControlError(code: .forbidden, message: ended.message)
        }
        guard offset < record.size else { return .data([], id: context.request.id) }
        let bytes: [UInt8]
        do {
            // The record as it is now: a key rotation since the view opened re-wrapped its data key.
            bytes = try content.read(record, at: offset, count: min(length, Int(record.size - offset)))
        } catch {
            // Never an unauthenticated byte: the view ends here, on record.
            if let ended = views.close(token, uid: uid) { try? audit(ended: ended, outcome: "failed", error: "\(error)", context) }
            throw ControlError(
                code: .internal,
                message: "item \(view.record.id) cannot be read at byte \(offset): \(error); run `custodyd verify --deep`")
        }
        _ = views.use(token, uid: uid, at: context.now, adding: bytes.count)
        return .data(bytes, id: context.request.id)
    }

    func closeView(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let token = try Self.required(arguments.view, "view", of: "view close")
        guard let view = views.close(token, uid: context.principal.caller.uid) else {
            throw ControlError(code: .notFound, message: "no open view \(token.prefix(8))…")
        }
        try audit(ended: view, outcome: "closed", error: nil, context)
        return .answer(id: context.request.id) { $0.view = Self.contentView(view) }
    }

    /// Audits the end of `view`: bytes served and how long it was open, and why it ended if not closed.
    func audit(
        ended view: ContentViews.View, outcome: String, error: String?, reason: String? = nil,
        _ context: OperationContext
    ) throws {
        try catalog.audit(
            [Self.endEvent(view, outcome: outcome, error: error, reason: reason, at: context.now)],
            by: context.principal.caller.actor)
    }

    /// Ends the views nobody read for `ContentViews.idleLimit`, as abandoned.
    func endIdleViews(at now: Date) {
        for view in views.expire(idleBefore: now.addingTimeInterval(-ContentViews.idleLimit)) {
            try? catalog.audit([Self.endEvent(view, outcome: "abandoned", error: nil, at: now)])
        }
    }

    /// A view's `view.ended` entry: the bytes it served and the seconds it was open.
    static func endEvent(
        _ view: ContentViews.View, outcome: String, error: String?, reason: String? = nil, at now: Date
    ) -> AuditEvent {
        var detail = [
            "view": view.number, "mode": view.mode, "outcome": outcome, "bytes": "\(view.bytes)",
            "seconds": String(format: "%.1f", now.timeIntervalSince(view.opened)), "principal": view.principal,
        ]
        detail["export"] = view.export.map { "\($0)" }
        detail["error"] = error
        detail["reason"] = reason
        return AuditEvent(action: .viewEnded, itemID: view.record.id, detail: detail)
    }

    func requireContent() throws -> EvidenceContent {
        guard let content else {
            throw ControlError(
                code: .badRequest, message: "this command has no key-encryption key, so it cannot serve content; use custodyd's socket")
        }
        return content
    }

    static func contentView(_ view: ContentViews.View) -> ContentView {
        let name = view.record.source.path.displayString.split(separator: "/").last.map(String.init) ?? view.record.id.description
        return ContentView(
            id: view.token, item: view.record.id.description, size: view.record.size, name: name,
            sha256: view.record.sha256.hex, kind: view.record.media?.kind.rawValue, mimeType: MimeType.of(name))
    }
}

/// MIME types for the names cameras give their files.
enum MimeType {
    static func of(_ name: String) -> String {
        switch name.split(separator: ".").last?.lowercased() ?? "" {
        case "mp4", "m4v": return "video/mp4"
        case "mov": return "video/quicktime"
        case "avi": return "video/x-msvideo"
        case "mkv": return "video/x-matroska"
        case "ts": return "video/mp2t"
        case "jpg", "jpeg": return "image/jpeg"
        case "png": return "image/png"
        case "wav": return "audio/wav"
        case "mp3": return "audio/mpeg"
        case "m4a", "aac": return "audio/mp4"
        case "amr": return "audio/amr"
        default: return "application/octet-stream"
        }
    }
}
