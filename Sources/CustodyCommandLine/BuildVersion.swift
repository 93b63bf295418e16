import CBuildInfo
import CustodyCore

/// What `custodyd --version` and `custody --version` print: the release and the commit it was built from.
public enum BuildVersion {
    /// `git describe --always --dirty` of the build's checkout, or "unknown" (a plain `swift build`,
    /// or a build from a tarball): fixed at compile time by `make release`.
    public static let commit = String(cString: CBuildInfo_commit())

    /// "0.7.0 (commit v0.7.0-3-gabc1234)": one line, so scripts can take the first word.
    public static let description = "\(CustodyRelease.version) (commit \(commit))"
}
