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
        let root = Node(line: 0, origin: .root)
        // Where `key = value` lines go: the table of the last header.
        var current = (table: root, header: "at the top level")
        while !scanner.isAtEnd {
            scanner.skipSpaces()
            try scanner.skipComment()
            if try scanner.readLineEnd() { continue }
            if scanner.isAtEnd { break }
            if scanner.next == .openBracket {
                current = try Self.readHeader(&scanner, root: root)
            } else {
                try Self.readKeyValue(&scanner, into: current.table, header: current.header)
            }
        }
        self.root = root.table
    }

    /// Reads `[a.b]` or `[[a.b]]` and defines the table; returns it and its header as written.
    private static func readHeader(_ scanner: inout TOMLScanner, root: Node) throws -> (Node, String) {
        let line = scanner.line
        _ = scanner.read(.openBracket)
        let isArray = scanner.read(.openBracket)
        scanner.skipSpaces()
        var path = [try scanner.readKey()]
        while scanner.readDot() {
            guard path.count < maximumDepth else {
                throw scanner.error(.unsupported, "tables nest more than \(maximumDepth) deep")
            }
            path.append(try scanner.readKey())
        }
        scanner.skipSpaces()
        let header = header(path, isArray: isArray)
        guard scanner.read(.closeBracket), !isArray || scanner.read(.closeBracket) else {
            throw scanner.error(
                .syntax, "expected \(isArray ? "]]" : "]") to end the table header, found \(scanner.restOfLineShown)")
        }
        try scanner.readEndOfLine(after: header)
        let table = try define(path, isArray: isArray, header: header, line: line, in: root)
        return (table, "in " + header)
    }

    /// Reads `key = value` into `table`.
    private static func readKeyValue(_ scanner: inout TOMLScanner, into table: Node, header: String) throws {
        let line = scanner.line
        let key = try scanner.readKey()
        if scanner.readDot() {
            throw scanner.error(
                .unsupported,
                "dotted keys (\(keyShown(key)).… = …) are not supported in custodyd.toml; write a [table] header and one key per line"
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
        if let existing = table.entries[key] {
            throw ConfigurationError(
                code: .duplicate, line: line,
                detail: "key \(TOMLValue.quoted(key)) is already defined on line \(existing.line) \(header)")
        }
        table.set(.value(value), forKey: key)
    }

    /// Defines the table of a header, creating the tables on its path that do not exist yet; returns it.
    private static func define(
        _ path: [String], isArray: Bool, header: String, line: Int, in root: Node
    ) throws -> Node {
        var table = root
        for key in path.dropLast() {
            // An intermediate table: `[a.b]` implies `[a]` if it does not exist yet; through an array
            // of tables, `[a.b]` means b in the last `[[a]]`.
            switch table.entries[key] {
            case nil:
                let implied = Node(line: line, origin: .implied)
                table.set(.table(implied), forKey: key)
                table = implied
            case .table(let child)?:
                table = child
            case .tableArray(let elements)?:
                table = elements.nodes[elements.nodes.count - 1]
            case .value(let value)?:
                throw ConfigurationError(
                    code: .duplicate, line: line,
                    detail: "\(header) needs \(keyShown(key)) to be a table, but it is a value on line \(value.line)")
            }
        }
        let key = path[path.count - 1]
        switch (table.entries[key], isArray) {
        case (nil, false):
            let node = Node(line: line, origin: .header)
            table.set(.table(node), forKey: key)
            return node
        case (nil, true):
            let node = Node(line: line, origin: .arrayElement)
            table.set(.tableArray(Node.Elements(line: line, nodes: [node])), forKey: key)
            return node
        case (.table(let node)?, false) where node.origin == .implied:
            // `[a.b]` came first and implied `[a]`; TOML lets `[a]` be defined once, later.
            node.origin = .header
            node.line = line
            return node
        case (.tableArray(let elements)?, true):
            let node = Node(line: line, origin: .arrayElement)
            elements.nodes.append(node)
            return node
        case (.table(let node)?, _):
            throw ConfigurationError(
                code: .duplicate, line: line, detail: "\(header): the table is already defined on line \(node.line)")
        case (.tableArray(let elements)?, false):
            throw ConfigurationError(
                code: .duplicate, line: line,
                detail:
                    "\(header): it is already an array of tables on line \(elements.line); write \(Self.header(path, isArray: true)) for each element"
            )
        case (.value(let value)?, _):
            throw ConfigurationError(
                code: .duplicate, line: line,
                detail: "\(header): key \(TOMLValue.quoted(key)) is already defined on line \(value.line)")
        }
    }

    /// A table while the document is read: a reference, so that adding a key to a nested table does
    /// not copy the tables around it (which would make a large file take quadratic time).
    private final class Node {
        /// What a key holds while the document is read.
        enum Entry {
            case value(TOMLValue)
            case table(Node)
            case tableArray(Elements)

            var line: Int {
                switch self {
                case .value(let value): value.line
                case .table(let node): node.line
                case .tableArray(let elements): elements.line
                }
            }
        }

        /// The elements of an array of tables, and the line of the first.
        final class Elements {
            let line: Int
            var nodes: [Node]
            init(line: Int, nodes: [Node]) {
                self.line = line
                self.nodes = nodes
            }
        }

        var line: Int
        var origin: TOMLTable.Origin
        private(set) var keys: [String] = []
        private(set) var entries: [String: Entry] = [:]

        init(line: Int, origin: TOMLTable.Origin) {
            self.line = line
            self.origin = origin
        }

        func set(_ entry: Entry, forKey key: String) {
            if entries.updateValue(entry, forKey: key) == nil { keys.append(key) }
        }

        /// The finished table, as a value.
        var table: TOMLTable {
            var table = TOMLTable(line: line, origin: origin)
            for key in keys {
                switch entries[key]! {
                case .value(let value): table.setValue(value, forKey: key)
                case .table(let node): table.setValue(TOMLValue(kind: .table(node.table), line: node.line), forKey: key)
                case .tableArray(let elements):
                    table.setValue(
                        TOMLValue(kind: .tableArray(elements.nodes.map(\.table)), line: elements.line), forKey: key)
                }
            }
            return table
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
