/// A parsed custodyd.toml: the root table, every value with its line.
///
/// A strict parser for the TOML subset a configuration needs, written here because the daemon must
/// name the line of every bad key, which general TOML libraries do not report. It accepts comments,
/// `[table]` and `[a.b]` headers, `[[array.of.tables]]`, and `key = value` with bare or quoted keys;
/// values are one-line strings, integers, floats, booleans and arrays (see `TOMLScanner`). Dotted
/// keys (`a.b = 1`), inline tables and the rest are refused, naming the line and what to write instead.
/// As in TOML, defining a key or a table twice is an error.
struct TOMLDocument: Sendable, Equatable {
    /// The top-level table.
    var root: TOMLTable

    /// Tables nest at most this deep, so that a hostile header cannot exhaust the stack.
    static let maximumDepth = 16

    /// Parses a document.
    /// - Throws: `ConfigurationError` with the line: `.syntax` for text that is not TOML,
    ///   `.unsupported` for TOML that custodyd.toml does not accept, `.duplicate` for a key or table
    ///   defined twice.
    init(parsing text: String) throws {
        var scanner = TOMLScanner(text)
        root = TOMLTable(line: 0, origin: .root)
        // Where `key = value` lines go: the path of the last header (an array of tables means its last element).
        var current: [String] = []
        var currentHeader = "at the top level"
        while !scanner.isAtEnd {
            scanner.skipSpaces()
            try scanner.skipComment()
            if try scanner.readLineEnd() { continue }
            if scanner.isAtEnd { break }
            if scanner.next == .openBracket {
                (current, currentHeader) = try readHeader(&scanner)
            } else {
                try readKeyValue(&scanner, into: current, header: currentHeader)
            }
        }
    }

    /// Reads `[a.b]` or `[[a.b]]` and defines the table; returns its path and the header as written.
    private mutating func readHeader(_ scanner: inout TOMLScanner) throws -> ([String], String) {
        let line = scanner.line
        _ = scanner.read(.openBracket)
        let isArray = scanner.read(.openBracket)
        scanner.skipSpaces()
        var path = [try scanner.readKey()]
        while scanner.readDot() {
            guard path.count < Self.maximumDepth else {
                throw scanner.error(.unsupported, "tables nest more than \(Self.maximumDepth) deep")
            }
            path.append(try scanner.readKey())
        }
        scanner.skipSpaces()
        let header = Self.header(path, isArray: isArray)
        guard scanner.read(.closeBracket), !isArray || scanner.read(.closeBracket) else {
            throw scanner.error(
                .syntax, "expected \(isArray ? "]]" : "]") to end the table header, found \(scanner.restOfLineShown)")
        }
        try scanner.readEndOfLine(after: header)
        try Self.define(path[...], isArray: isArray, header: header, line: line, in: &root)
        return (path, "in " + header)
    }

    /// Reads `key = value` into the table at `path`.
    private mutating func readKeyValue(_ scanner: inout TOMLScanner, into path: [String], header: String) throws {
        let line = scanner.line
        let key = try scanner.readKey()
        if scanner.readDot() {
            throw scanner.error(
                .unsupported,
                "dotted keys (\(Self.keyShown(key)).… = …) are not supported in custodyd.toml; write a [table] header and one key per line"
            )
        }
        scanner.skipSpaces()
        guard scanner.read(.equals) else {
            throw scanner.error(
                .syntax, "expected \"=\" after key \(TOMLValue.quoted(key)), found \(scanner.restOfLineShown)")
        }
        scanner.skipSpaces()
        let value = try scanner.readValue()
        try scanner.readEndOfLine(after: "the value of \(TOMLValue.quoted(key))")
        try Self.insert(value, forKey: key, line: line, at: path[...], header: header, in: &root)
    }

    /// Walks to the table at `path` (through the last element of arrays of tables) and calls `body` on it.
    private static func withTable(
        at path: ArraySlice<String>, in table: inout TOMLTable, _ body: (inout TOMLTable) throws -> Void
    ) throws {
        guard let key = path.first else { return try body(&table) }
        guard let value = table[key] else { preconditionFailure("a header defined every table on its path") }
        switch value.kind {
        case .table(var child):
            try withTable(at: path.dropFirst(), in: &child, body)
            table.setValue(TOMLValue(kind: .table(child), line: value.line), forKey: key)
        case .tableArray(var elements):
            try withTable(at: path.dropFirst(), in: &elements[elements.count - 1], body)
            table.setValue(TOMLValue(kind: .tableArray(elements), line: value.line), forKey: key)
        default:
            preconditionFailure("a header defined every table on its path")
        }
    }

    private static func insert(
        _ value: TOMLValue, forKey key: String, line: Int, at path: ArraySlice<String>, header: String,
        in root: inout TOMLTable
    ) throws {
        try withTable(at: path, in: &root) { table in
            if let existing = table[key] {
                throw ConfigurationError(
                    code: .duplicate, line: line,
                    detail: "key \(TOMLValue.quoted(key)) is already defined on line \(existing.line) \(header)")
            }
            table.setValue(value, forKey: key)
        }
    }

    /// Defines the table of a header, creating the tables on its path that do not exist yet.
    private static func define(
        _ path: ArraySlice<String>, isArray: Bool, header: String, line: Int, in table: inout TOMLTable
    ) throws {
        let key = path.first!
        let existing = table[key]
        if path.count > 1 {
            // An intermediate table: `[a.b]` implies `[a]` if it does not exist yet.
            var value = existing ?? TOMLValue(kind: .table(TOMLTable(line: line, origin: .implied)), line: line)
            switch value.kind {
            case .table(var child):
                try define(path.dropFirst(), isArray: isArray, header: header, line: line, in: &child)
                value.kind = .table(child)
            case .tableArray(var elements):
                try define(
                    path.dropFirst(), isArray: isArray, header: header, line: line, in: &elements[elements.count - 1])
                value.kind = .tableArray(elements)
            default:
                throw ConfigurationError(
                    code: .duplicate, line: line,
                    detail: "\(header) needs \(keyShown(key)) to be a table, but it is a value on line \(value.line)")
            }
            table.setValue(value, forKey: key)
            return
        }
        switch (existing?.kind, isArray) {
        case (nil, false):
            table.setValue(TOMLValue(kind: .table(TOMLTable(line: line, origin: .header)), line: line), forKey: key)
        case (nil, true):
            let element = TOMLTable(line: line, origin: .arrayElement)
            table.setValue(TOMLValue(kind: .tableArray([element]), line: line), forKey: key)
        case (.table(var child)?, false) where child.origin == .implied:
            // `[a.b]` came first and implied `[a]`; TOML lets `[a]` be defined once, later.
            child.origin = .header
            child.line = line
            table.setValue(TOMLValue(kind: .table(child), line: line), forKey: key)
        case (.tableArray(var elements)?, true):
            elements.append(TOMLTable(line: line, origin: .arrayElement))
            table.setValue(TOMLValue(kind: .tableArray(elements), line: existing!.line), forKey: key)
        case (.table?, _):
            throw ConfigurationError(
                code: .duplicate, line: line,
                detail: "\(header): the table is already defined on line \(existing!.line)")
        case (.tableArray?, false):
            throw ConfigurationError(
                code: .duplicate, line: line,
                detail:
                    "\(header): it is already an array of tables on line \(existing!.line); write \(Self.header(Array(path), isArray: true)) for each element"
            )
        case (_?, _):
            throw ConfigurationError(
                code: .duplicate, line: line,
                detail: "\(header): key \(TOMLValue.quoted(key)) is already defined on line \(existing!.line)")
        }
    }

    /// A header as written: `[devices.registry."AB 12"]`.
    static func header(_ path: [String], isArray: Bool) -> String {
        let name = path.map(keyShown).joined(separator: ".")
        return isArray ? "[[\(name)]]" : "[\(name)]"
    }

    /// A key as TOML writes it: bare when it can be, else quoted.
    static func keyShown(_ key: String) -> String {
        let bare =
            !key.isEmpty
            && key.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == .underscore || byte == .minus
            }
        return bare ? key : TOMLValue.quoted(key)
    }
}
