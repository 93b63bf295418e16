import ControlProtocol

extension SocketOptions {
    /// Sends one request of `kind` and returns the daemon's answer; a refusal is thrown.
    func call(_ kind: ControlRequest.Kind, _ arguments: ControlArguments = ControlArguments()) throws -> ControlResponse {
        try ControlClient(socketPath: path).call(.operation(kind, arguments))
    }
}

/// Text tables: columns padded to their widest cell, so `custody person list` lines up.
enum Table {
    static func lines(header: [String], rows: [[String]]) -> [String] {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return [line(header)] + rows.map(line)
    }
}
