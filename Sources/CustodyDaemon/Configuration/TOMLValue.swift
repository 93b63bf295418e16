/// A value read from custodyd.toml, with the line it was written on so that a bad value can be pointed at.
struct TOMLValue: Sendable, Equatable {
    /// The TOML types custodyd.toml supports.
    enum Kind: Sendable, Equatable {
        case string(String)
        case integer(Int64)
        case float(Double)
        case boolean(Bool)
        /// `[1, 2, 3]`
        case array([TOMLValue])
        /// `[name]` (or a table that a `[name.sub]` header implied).
        case table(TOMLTable)
        /// `[[name]]`, one element per header.
        case tableArray([TOMLTable])
    }

    /// The value.
    var kind: Kind
    /// The 1-based line it was written on; for a table, the line of its header.
    var line: Int

    /// The type as an error names it: "a string", "an integer", "true or false"…
    var typeName: String {
        switch kind {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a number"
        case .boolean: "true or false"
        case .array: "an array"
        case .table: "a table"
        case .tableArray: "an array of tables"
        }
    }

    /// The value as an error shows it after "not": `"yes"`, `5`, `an array`.
    var shown: String {
        switch kind {
        case .string(let text): Self.quoted(text)
        case .integer(let value): "\(value)"
        case .float(let value): "\(value)"
        case .boolean(let value): "\(value)"
        case .array, .table, .tableArray: typeName
        }
    }

    /// The value with its type, for an error about a value of the wrong type: `the string "yes"`,
    /// `the integer 5`, `an array`.
    var shownWithType: String {
        switch kind {
        case .string: "the string \(shown)"
        case .integer: "the integer \(shown)"
        case .float: "the number \(shown)"
        case .boolean: "the boolean \(shown)"
        case .array, .table, .tableArray: typeName
        }
    }

    /// A string quoted for an error message, shortened and with control characters escaped so that a
    /// hostile value cannot forge log lines.
    static func quoted(_ text: String) -> String {
        var shown = ""
        for scalar in text.unicodeScalars.prefix(60) {
            switch scalar {
            case "\"": shown += "\\\""
            case "\\": shown += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                shown += scalar.escaped(asASCII: true)
            default: shown.unicodeScalars.append(scalar)
            }
        }
        if text.unicodeScalars.count > 60 { shown += "…" }
        return "\"\(shown)\""
    }
}

/// A TOML table: keys in the order written, each with its value.
struct TOMLTable: Sendable, Equatable {
    /// How a table came to exist, which decides whether a later header may define it (TOML allows
    /// `[a.b]` then `[a]`, but not `[a]` twice).
    enum Origin: Sendable, Equatable {
        case root, implied, header, arrayElement
    }

    /// The 1-based line of its header, or of the header that implied it; 0 for the root table.
    var line: Int
    /// How it was defined.
    var origin: Origin
    /// Its keys, in the order written.
    private(set) var keys: [String] = []
    private var entries: [String: TOMLValue] = [:]

    /// Creates an empty table.
    init(line: Int, origin: Origin) {
        self.line = line
        self.origin = origin
    }

    /// The value of a key, if present.
    subscript(key: String) -> TOMLValue? { entries[key] }

    /// Sets a key's value, appending the key to `keys` when it is new.
    mutating func setValue(_ value: TOMLValue, forKey key: String) {
        if entries.updateValue(value, forKey: key) == nil { keys.append(key) }
    }
}
