import CustodyCore

extension DockFacts {
    /// The keys an item's `item.stored` entry carries for its session (docs/audit-log.md).
    var auditDetail: [String: String] {
        var detail = ["session": sessionID.description]
        if let offset = clockOffset {
            detail["clock_offset_seconds"] = "\(offset.seconds)"
            detail["clock_offset_method"] = offset.method.rawValue
        }
        return detail
    }
}
