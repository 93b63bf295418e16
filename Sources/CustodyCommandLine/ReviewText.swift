import ControlProtocol

/// How `show` prints an item's review, retention and holds for people.
public enum ReviewText {
    /// The lines for `review`.
    public static func lines(_ review: ItemReviewView) -> [String] {
        var lines: [String] = []
        if let failed = review.fixityFailedAt {
            lines.append("FIXITY FAILED      \(failed): the stored object did not match its recorded hash")
        }
        lines.append("review             \(review.state ?? "-")" + (review.claim.map { " by \($0.reviewer) until \($0.expiresAt)" } ?? ""))
        for done in review.reviews { lines.append("  reviewed         \(done.reviewedAt) by \(done.reviewer): \(done.outcome)") }
        lines.append("categories         \(review.categories.isEmpty ? "uncategorized" : review.categories.joined(separator: ", "))")
        if !review.cases.isEmpty { lines.append("cases              \(review.cases.joined(separator: ", "))") }
        lines.append("due                \(review.retention.dueAt ?? "never")")
        lines.append("  why              \(review.retention.reason)")
        if let clock = review.retention.clock { lines.append("  clock            \(clock)") }
        if let flag = review.retention.clockFlag { lines.append("  clock flagged    \(flag)") }
        if review.holds.isEmpty { lines.append("holds              none") }
        for hold in review.holds {
            lines.append("hold #\(hold.id)           \(hold.matter) (\(hold.authority)), placed by \(hold.placedBy) at \(hold.placedAt): \(hold.reason)")
        }
        for note in review.notes { lines.append("note #\(note.id)  \(note.at)  \(note.author): \(note.text)") }
        return lines
    }
}
