/// Reads the tokens of custodyd.toml's TOML subset from UTF-8 bytes, counting lines: keys, values,
/// whitespace, comments and line ends. `TOMLDocument` puts them together into tables.
///
/// Valid TOML that a configuration file has no use for (dates, multi-line strings, inline tables,
/// octal and binary integers, inf and nan) is refused with what to write instead, rather than half
/// supported.
struct TOMLScanner {
    private let bytes: [UInt8]
    private var index = 0
    /// The 1-based line of the next byte.
    private(set) var line = 1

    /// Arrays nest at most this deep, so that a hostile file cannot exhaust the stack.
    static let maximumNesting = 16

    init(_ text: String) {
        var bytes = Array(text.utf8)
        // Editors on some systems start a file with a byte-order mark; it is not part of the first key.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        self.bytes = bytes
    }

    /// Whether every byte was read.
    var isAtEnd: Bool { index >= bytes.count }

    /// The next byte, if any.
    var next: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// An error on the current line.
    func error(_ code: ConfigurationError.Code, _ detail: String) -> ConfigurationError {
        ConfigurationError(code: code, line: line, detail: detail)
    }

    // MARK: Space, comments and line ends

    /// Skips spaces and tabs.
    mutating func skipSpaces() {
        while let byte = next, byte == .space || byte == .tab { index += 1 }
    }

    /// Skips a comment, if one starts here, up to (not including) the line end.
    /// - Throws: `ConfigurationError.syntax` for a control character in it.
    mutating func skipComment() throws {
        guard next == .hash else { return }
        while let byte = next, byte != .lineFeed, byte != .carriageReturn {
            guard byte == .tab || !byte.isControl else {
                throw error(.syntax, "control character \(byte.hex) in a comment; delete it")
            }
            index += 1
        }
    }

    /// Reads a line end (LF or CRLF) if one is here, and says whether it did.
    /// - Throws: `ConfigurationError.syntax` for a carriage return without a line feed.
    mutating func readLineEnd() throws -> Bool {
        switch next {
        case .lineFeed?:
            index += 1
            line += 1
            return true
        case .carriageReturn?:
            guard index + 1 < bytes.count, bytes[index + 1] == .lineFeed else {
                throw error(.syntax, "a carriage return without a line feed; save the file with Unix or DOS line ends")
            }
            index += 2
            line += 1
            return true
        default:
            return false
        }
    }

    /// Reads the rest of a line after a header or a value: spaces, an optional comment, the line end.
    /// - Throws: `ConfigurationError.syntax` when anything else is there.
    mutating func readEndOfLine(after what: @autoclosure () -> String) throws {
        skipSpaces()
        try skipComment()
        let ended = try isAtEnd || readLineEnd()
        guard ended else {
            throw error(.syntax, "expected the end of the line after \(what()), found \(restOfLineShown)")
        }
    }

    /// Skips what may come between array elements: spaces, comments and line ends.
    private mutating func skipSpaceInArray() throws {
        while true {
            skipSpaces()
            try skipComment()
            guard try readLineEnd() else { return }
        }
    }

    /// The rest of the line, quoted for an error message.
    var restOfLineShown: String {
        guard !isAtEnd else { return "the end of the file" }
        var end = index
        while end < bytes.count, end - index < 40, bytes[end] != .lineFeed, bytes[end] != .carriageReturn { end += 1 }
        // Cutting after 40 bytes may split a character; decoding replaces the fragment, which is fine here.
        return TOMLValue.quoted(String(decoding: bytes[index..<end], as: UTF8.self))
    }

    // MARK: Keys

    /// Reads one key: bare (`A-Z a-z 0-9 _ -`), `"basic"` or `'literal'`.
    /// - Throws: `ConfigurationError.syntax` when no key is here.
    mutating func readKey() throws -> String {
        switch next {
        case .quote?:
            guard !startsTripleQuote(.quote) else { throw error(.syntax, "a key cannot be a multi-line string") }
            return try readBasicString()
        case .apostrophe?:
            guard !startsTripleQuote(.apostrophe) else { throw error(.syntax, "a key cannot be a multi-line string") }
            return try readLiteralString()
        case let byte? where byte.isBareKey:
            let start = index
            while let byte = next, byte.isBareKey { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        default:
            throw error(
                .syntax, "expected a key (letters, digits, _ and -, or a quoted string), found \(restOfLineShown)")
        }
    }

    /// Reads `.` after a key in a header, if it is there (spaces around it are allowed), and says whether it was.
    mutating func readDot() -> Bool {
        let start = index
        skipSpaces()
        guard next == .dot else {
            index = start
            return false
        }
        index += 1
        skipSpaces()
        return true
    }

    /// Reads one byte if it is `byte`, and says whether it was.
    mutating func read(_ byte: UInt8) -> Bool {
        guard next == byte else { return false }
        index += 1
        return true
    }

    // MARK: Values

    /// Reads a value: a string, an integer, a float, a boolean or an array of those.
    /// - Throws: `ConfigurationError.syntax` for malformed values, `.unsupported` for TOML that
    ///   custodyd.toml does not accept.
    mutating func readValue(depth: Int = 0) throws -> TOMLValue {
        let line = line
        switch next {
        case .quote?:
            guard !startsTripleQuote(.quote) else {
                throw error(
                    .unsupported,
                    #"multi-line strings (""") are not supported in custodyd.toml; write a one-line "string" with \n for line breaks"#
                )
            }
            return TOMLValue(kind: .string(try readBasicString()), line: line)
        case .apostrophe?:
            guard !startsTripleQuote(.apostrophe) else {
                throw error(
                    .unsupported,
                    "multi-line literal strings (''') are not supported in custodyd.toml; write a one-line 'string'")
            }
            return TOMLValue(kind: .string(try readLiteralString()), line: line)
        case .openBracket?:
            return TOMLValue(kind: .array(try readArray(depth: depth)), line: line)
        case .openBrace?:
            throw error(
                .unsupported,
                "inline tables ({ … }) are not supported in custodyd.toml; write a [table] section with one key per line"
            )
        case nil, .lineFeed?, .carriageReturn?, .hash?:
            throw error(.syntax, "expected a value, found \(restOfLineShown)")
        default:
            return TOMLValue(kind: try readWord(), line: line)
        }
    }

    private func startsTripleQuote(_ quote: UInt8) -> Bool {
        index + 2 < bytes.count && bytes[index] == quote && bytes[index + 1] == quote && bytes[index + 2] == quote
    }

    private mutating func readArray(depth: Int) throws -> [TOMLValue] {
        let start = line
        guard depth < Self.maximumNesting else {
            throw error(
                .unsupported, "arrays nest more than \(Self.maximumNesting) deep; custodyd.toml needs at most 1")
        }
        index += 1
        var elements: [TOMLValue] = []
        while true {
            try skipSpaceInArray()
            if read(.closeBracket) { return elements }
            guard !isAtEnd else { throw error(.syntax, "the array that starts on line \(start) is not closed with ]") }
            elements.append(try readValue(depth: depth + 1))
            try skipSpaceInArray()
            if read(.comma) { continue }
            if read(.closeBracket) { return elements }
            guard !isAtEnd else { throw error(.syntax, "the array that starts on line \(start) is not closed with ]") }
            throw error(
                .syntax, "expected \",\" or \"]\" in the array that starts on line \(start), found \(restOfLineShown)")
        }
    }

    /// Reads a `"basic string"` with TOML escapes, the opening quote next.
    private mutating func readBasicString() throws -> String {
        index += 1
        var text: [UInt8] = []
        while true {
            guard let byte = next, byte != .lineFeed, byte != .carriageReturn else {
                throw error(.syntax, "a string is not closed with \" before the end of the line")
            }
            index += 1
            switch byte {
            case .quote:
                return String(decoding: text, as: UTF8.self)
            case .backslash:
                text.append(contentsOf: try readEscape())
            case _ where byte.isControl && byte != .tab:
                throw error(
                    .syntax, "control character \(byte.hex) in a string; write it as \\u00\(byte.hex.dropFirst(2))")
            default:
                text.append(byte)
            }
        }
    }

    /// Reads what follows a backslash in a basic string, as UTF-8.
    private mutating func readEscape() throws -> [UInt8] {
        guard let byte = next else { throw error(.syntax, "a string is not closed with \" before the end of the file") }
        index += 1
        switch byte {
        case UInt8(ascii: "b"): return [0x08]
        case UInt8(ascii: "t"): return [.tab]
        case UInt8(ascii: "n"): return [.lineFeed]
        case UInt8(ascii: "f"): return [0x0C]
        case UInt8(ascii: "r"): return [.carriageReturn]
        case .quote: return [.quote]
        case .backslash: return [.backslash]
        case UInt8(ascii: "u"): return try readUnicodeEscape(digits: 4)
        case UInt8(ascii: "U"): return try readUnicodeEscape(digits: 8)
        default:
            let shown = byte.isControl || byte >= 0x80 ? byte.hex : String(UnicodeScalar(byte))
            throw error(
                .syntax,
                #"unknown escape \\#(shown) in a string; escapes are \\ \" \b \t \n \f \r \uXXXX \UXXXXXXXX (write \\ for a backslash, or use a 'literal string')"#
            )
        }
    }

    private mutating func readUnicodeEscape(digits: Int) throws -> [UInt8] {
        guard index + digits <= bytes.count, bytes[index..<index + digits].allSatisfy(\.isHexDigit),
            let value = UInt32(String(decoding: bytes[index..<index + digits], as: UTF8.self), radix: 16)
        else {
            throw error(.syntax, "\\\(digits == 4 ? "u" : "U") must be followed by \(digits) hexadecimal digits")
        }
        let escape = String(decoding: bytes[index - 2..<index + digits], as: UTF8.self)
        index += digits
        guard let scalar = Unicode.Scalar(value) else {
            throw error(.syntax, "\(escape) is not a Unicode scalar value (surrogates and values above 10FFFF are not)")
        }
        return Array(String(scalar).utf8)
    }

    /// Reads a `'literal string'`, the opening apostrophe next: no escapes.
    private mutating func readLiteralString() throws -> String {
        index += 1
        let start = index
        while true {
            guard let byte = next, byte != .lineFeed, byte != .carriageReturn else {
                throw error(.syntax, "a string is not closed with ' before the end of the line")
            }
            if byte == .apostrophe { break }
            guard !byte.isControl || byte == .tab else {
                throw error(
                    .syntax,
                    "control character \(byte.hex) in a string; write it in a \"basic string\" as \\u00\(byte.hex.dropFirst(2))"
                )
            }
            index += 1
        }
        defer { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Reads an unquoted value: `true`, `false`, an integer or a float.
    private mutating func readWord() throws -> TOMLValue.Kind {
        let start = index
        while let byte = next, byte.isWordCharacter { index += 1 }
        let word = String(decoding: bytes[start..<index], as: UTF8.self)
        guard !word.isEmpty else { throw error(.syntax, "expected a value, found \(restOfLineShown)") }
        switch word {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        default: break
        }
        if let kind = try TOMLNumber.parse(word, line: line) { return kind }
        throw error(
            .syntax,
            "\(word) is not a value; write a string in quotes (\(TOMLValue.quoted(word))), a boolean as true or false")
    }
}

extension UInt8 {
    static let tab = UInt8(ascii: "\t")
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let hash = UInt8(ascii: "#")
    static let quote = UInt8(ascii: "\"")
    static let apostrophe = UInt8(ascii: "'")
    static let backslash = UInt8(ascii: "\\")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let openBrace = UInt8(ascii: "{")
    static let comma = UInt8(ascii: ",")
    static let dot = UInt8(ascii: ".")
    static let equals = UInt8(ascii: "=")

    /// TOML's control characters: U+0000–U+001F and U+007F.
    fileprivate var isControl: Bool { self < 0x20 || self == 0x7F }

    fileprivate var isBareKey: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || self == UInt8(ascii: "_")
            || self == UInt8(ascii: "-")
    }

    /// What an unquoted value is made of; `:` is included so that a time is read whole and refused whole.
    fileprivate var isWordCharacter: Bool {
        isBareKey || self == .dot || self == UInt8(ascii: "+") || self == UInt8(ascii: ":")
    }

    fileprivate var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }

    /// `0x07`, for errors about bytes that cannot be shown.
    fileprivate var hex: String {
        let digits = String(self, radix: 16, uppercase: true)
        return "0x" + (digits.count == 1 ? "0" : "") + digits
    }
}
