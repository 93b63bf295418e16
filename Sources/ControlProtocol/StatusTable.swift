import Foundation

/// `custody status` as text: the daemon's state line, then one row per bay, with the current file,
/// last error and flags indented under their bay. Pure, so it is tested without a daemon.
public enum StatusTable {
    /// The width of the progress bar, in characters between the brackets.
    public static let barWidth = 10

    /// The lines to print for `status`, without newlines.
    public static func lines(for status: DaemonStatus) -> [String] {
        var lines = ["custodyd \(status.version): \(status.summaryLine); started \(status.startedAt)"]
        if let fixity = status.fixity {
            lines.append(
                "fixity: \(fixity.checked)/\(fixity.total) checked, \(fixity.mismatches) mismatch\(fixity.mismatches == 1 ? "" : "es"), last full pass \(fixity.lastPassFinishedAt ?? "never")"
            )
        }
        if let failed = status.fixityFailedItems, failed > 0 {
            lines.append(
                "FIXITY FAILURES: \(failed) item\(failed == 1 ? "" : "s") failed a fixity check; see `custody list --fixity-failed`")
        }
        if let upcoming = status.upcomingDeletions, upcoming > 0 {
            lines.append(
                "deletions: \(upcoming) item\(upcoming == 1 ? "" : "s") leave\(upcoming == 1 ? "s" : "") the trash within 72 hours (first at \(status.nextDeletionAt ?? "?")); see `custody deletion list`")
        }
        guard !status.bays.isEmpty else {
            lines.append("no bays: no device docked, no folder watched")
            return lines
        }
        let header = ["BAY", "PHASE", "DEVICE/OFFICER", "PROGRESS", "FILES", "MIB", "RATE", "ETA"]
        var rows = [header]
        for bay in status.bays {
            rows.append([
                bay.id, bay.queuePosition.map { "queued #\($0)" } ?? bay.phase.rawValue,
                "\(bay.device ?? "-")/\(bay.officer ?? "-")", bar(for: bay),
                "\(bay.filesDone)/\(bay.filesTotal)", "\(mebibytes(bay.bytesDone))/\(mebibytes(bay.bytesTotal))",
                bay.bytesPerSecond.map { String(format: "%.1f MiB/s", $0 / 1_048_576) } ?? "-",
                bay.etaSeconds.map(duration) ?? "-",
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for (index, row) in rows.enumerated() {
            let text = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
            lines.append(text)
            guard index > 0 else { continue }
            let bay = status.bays[index - 1]
            if let file = bay.currentFile { lines.append("    file:  \(file)") }
            if let error = bay.lastError { lines.append("    error: \(error)") }
            if !bay.flags.isEmpty { lines.append("    flags: \(bay.flags.joined(separator: ", "))") }
        }
        return lines
    }

    /// `[####......]`: the share of bytes done; full once the bay is done, empty when nothing is known.
    public static func bar(for bay: BayStatus) -> String {
        let filled: Int
        if bay.phase == .done {
            filled = barWidth
        } else if bay.bytesTotal > 0 {
            filled = Int(min(max(bay.bytesDone, 0), bay.bytesTotal) * Int64(barWidth) / bay.bytesTotal)
        } else {
            filled = 0
        }
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled) + "]"
    }

    /// `1:02:03`, or `2:03` under an hour.
    public static func duration(_ seconds: Double) -> String {
        let total = Int(max(0, seconds.rounded(.up)))
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0
            ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
    }

    private static func mebibytes(_ bytes: Int64) -> String {
        bytes < 10 << 20 ? String(format: "%.1f", Double(bytes) / 1_048_576) : "\(bytes >> 20)"
    }
}
