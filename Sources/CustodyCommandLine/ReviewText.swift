import ControlProtocol

/// How `show` prints an item's review, retention and holds for people.
public enum ReviewText {
    /// The lines for `review`, its times shown by `time`.
    public static func lines(_ review: ItemReviewView, time: TimeDisplay = .chosen(utc: false)) -> [String] {
        var lines: [String] = []
        if let failed = review.fixityFailedAt {
            lines.append("FIXITY FAILED      \(time.text(failed)): the stored object did not match its recorded hash")
        }
        lines.append("review             \(review.state ?? "-")" + (review.claim.map { " by \($0.reviewer) until \(time.text($0.expiresAt))" } ?? ""))
        for done in review.reviews { lines.append("  reviewed         \(time.text(done.reviewedAt)) by \(done.reviewer): \(done.outcome)") }
        lines.append("categories         \(review.categories.isEmpty ? "uncategorized" : review.categories.joined(separator: ", "))")
        if !review.cases.isEmpty { lines.append("cases              \(review.cases.joined(separator: ", "))") }
        lines.append("due                \(review.retention.dueAt.map(time.text) ?? "never")")
        lines.append("  why              \(review.retention.reason)")
        if let clock = review.retention.clock { lines.append("  clock            \(clock)") }
        if let flag = review.retention.clockFlag { lines.append("  clock flagged    \(flag)") }
        if review.holds.isEmpty { lines.append("holds              none") }
        for hold in review.holds {
            lines.append("hold #\(hold.id)           \(hold.matter) (\(hold.authority)), placed by \(hold.placedBy) at \(time.text(hold.placedAt)): \(hold.reason)")
        }
        for note in review.notes { lines.append("note #\(note.id)  \(time.text(note.at))  \(note.author): \(note.text)") }
        return lines
    }
}
