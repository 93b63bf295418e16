import Catalog
import CustodyCore
import EvidenceCrypto
import Foundation
import Synchronization

/// The content views open now: who opened which item when, and how many bytes each served, so a
/// view's end is audited with them. In memory: a daemon restart ends every view (its start is on
/// record; a client must open a new one).
final class ContentViews: Sendable {
    struct View: Sendable {
        /// The capability the client presents; never written to the audit log.
        var token: String
        /// How the audit log names the view.
        var number: String
        var record: ItemRecord
        var uid: UInt32
        var principal: String
        var mode: String
        var export: Int64?
        var opened: Date
        var lastUsed: Date
        var bytes: Int64 = 0
    }

    /// A view nobody read for this long is ended as abandoned at the next open.
    static let idleLimit: TimeInterval = 15 * 60

    private let views = Mutex<[String: View]>([:])

    /// Opens a view of `record` for `uid`.
    func open(
        _ record: ItemRecord, uid: UInt32, principal: String, mode: String, export: Int64? = nil, at now: Date
    ) throws -> View {
        let token = Hex.encode(try SecureRandom.bytes(count: 24))
        let view = View(
            token: token, number: EvidenceID().description, record: record, uid: uid, principal: principal, mode: mode,
            export: export, opened: now, lastUsed: now)
        views.withLock { $0[token] = view }
        return view
    }

    /// The view `token` if `uid` opened it; its last use becomes `now` and `bytes` are added.
    func use(_ token: String, uid: UInt32, at now: Date, adding bytes: Int = 0) -> View? {
        views.withLock { views in
            guard var view = views[token], view.uid == uid else { return nil }
            view.lastUsed = now
            view.bytes += Int64(bytes)
            views[token] = view
            return view
        }
    }

    /// Ends the view `token` (if `uid` opened it) and returns it.
    func close(_ token: String, uid: UInt32) -> View? {
        views.withLock { views in
            guard let view = views[token], view.uid == uid else { return nil }
            views[token] = nil
            return view
        }
    }

    /// Ends and returns the views of export `id`.
    func close(export id: Int64) -> [View] {
        views.withLock { views in
            let ended = views.values.filter { $0.export == id }
            for view in ended { views[view.token] = nil }
            return ended
        }
    }

    /// Ends and returns the views idle since before `cutoff`.
    func expire(idleBefore cutoff: Date) -> [View] {
        views.withLock { views in
            let ended = views.values.filter { $0.lastUsed < cutoff }
            for view in ended { views[view.token] = nil }
            return ended
        }
    }
}
