import Ingest

/// The JSON shape of an import summary (docs/cli-json.md).
public struct ImportSummaryView: Encodable {
    public struct Failure: Encodable {
        var path: String
        var reason: String
    }
    var verified: Int
    var duplicates: Int
    var skipped: Int
    var failed: [Failure]
    var bytes: Int64
    var wiped: Int
    var kept: [Failure]

    /// The view of `summary`.
    public init(_ summary: ImportSummary) {
        verified = summary.verified
        duplicates = summary.duplicates
        skipped = summary.skipped
        failed = summary.failures.map { Failure(path: $0.path, reason: $0.reason) }
        bytes = summary.bytes
        wiped = summary.wiped
        kept = summary.wipeKept.map { Failure(path: $0.path, reason: $0.reason) }
    }
}
