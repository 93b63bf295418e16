import Foundation

/// A child's standard output as it arrives: the bytes not yet taken, handed out line by line. The one
/// copy of the splitting every test helper that follows a child's output needs.
struct OutputLines {
    private let handle: FileHandle
    /// Bytes read and not yet taken as a line.
    private(set) var pending = Data()
    /// Every byte read so far, taken or not.
    private(set) var bytesRead = 0

    init(_ handle: FileHandle) { self.handle = handle }

    /// Reads what the child has written since; false at the end of its output.
    mutating func readMore() -> Bool {
        let chunk = handle.availableData
        if chunk.isEmpty { return false }
        pending.append(chunk)
        bytesRead += chunk.count
        return true
    }

    /// The next whole line without its newline, reading as needed; nil at the end of output.
    mutating func nextLine() -> String? {
        while true {
            if let newline = pending.firstIndex(of: 0x0a) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                return line
            }
            guard readMore() else { return nil }
        }
    }

    /// Reads the output to its end; `pending` then holds everything not taken as a line.
    mutating func readToEnd() {
        let rest = handle.readDataToEndOfFile()
        pending.append(rest)
        bytesRead += rest.count
    }
}
