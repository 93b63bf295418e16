import CustodyTesting
import Foundation

/// The media made by fixtures/make-probe-media.sh, generated once per test process.
enum ProbeMedia {
    static let directory: String = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("custody-probe-media-\(getpid())")
            .path
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures/make-probe-media.sh").path
        let result = try! CustodyTesting.run("/bin/bash", [script, directory])
        precondition(result.status == 0, "make-probe-media.sh failed: \(result.stderr)")
        return directory
    }()

    static func path(_ name: String) -> String { directory + "/" + name }

    /// `ffprobe -show_format -show_streams -of json` of a file: the reference Custody must agree with.
    static func ffprobe(_ name: String) throws -> [String: Any] {
        let result = try CustodyTesting.run(
            "/usr/bin/ffprobe", ["-v", "error", "-show_format", "-show_streams", "-of", "json", path(name)])
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }
}
