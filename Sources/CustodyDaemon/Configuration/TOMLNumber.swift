/// TOML's numbers as custodyd.toml accepts them: decimal integers (`1_000`, `-5`), hexadecimal
/// integers (`0x81`), decimal floats (`2.5`, `1e6`). Dates, times, octal and binary integers, inf and
/// nan are refused with what to write instead.
enum TOMLNumber {
    /// Parses an unquoted word; nil when it does not look like a number at all, so that the caller can
    /// say that strings need quotes.
    /// - Throws: `ConfigurationError.syntax` for a malformed or out-of-range number, `.unsupported`
    ///   for a date, a time, an octal or binary integer, inf or nan.
    static func parse(_ word: String, line: Int) throws -> TOMLValue.Kind? {
        func error(_ code: ConfigurationError.Code, _ detail: String) -> ConfigurationError {
            ConfigurationError(code: code, line: line, detail: detail)
        }
        func invalid(_ why: String) -> ConfigurationError {
            error(.syntax, "\(word) is not a valid number: \(why)")
        }
        let bytes = Array(word.utf8)
        let signed = bytes.first == .plus || bytes.first == .minus
        let unsigned = signed ? bytes.dropFirst() : bytes[...]
        if unsigned.elementsEqual("inf".utf8) || unsigned.elementsEqual("nan".utf8) {
            throw error(.unsupported, "inf and nan are not supported in custodyd.toml; write a finite number")
        }
        guard let first = unsigned.first, first.isDigit else { return nil }
        if isDateOrTime(bytes) {
            throw error(
                .unsupported, "dates and times are not supported in custodyd.toml; write the value as a quoted string")
        }
        if unsigned.starts(with: "0x".utf8) {
            guard !signed else { throw invalid("a hexadecimal integer cannot have a sign") }
            let digits = unsigned.dropFirst(2)
            guard isGrouped(digits, hexadecimal: true) else { throw invalid(groupingRule) }
            guard let value = Int64(String(decoding: digits.filter { $0 != .underscore }, as: UTF8.self), radix: 16)
            else { throw invalid(rangeRule) }
            return .integer(value)
        }
        let isDecimal = unsigned.allSatisfy {
            $0.isDigit || $0 == .underscore || $0 == .dot || $0 == .plus || $0 == .minus || $0 == UInt8(ascii: "e")
                || $0 == UInt8(ascii: "E")
        }
        if !isDecimal, !unsigned.starts(with: "0x".utf8), !unsigned.starts(with: "0o".utf8),
            !unsigned.starts(with: "0b".utf8)
        {
            // `5s`, `30min`, `1MiB`: a unit the key's name already gives.
            throw error(
                .syntax,
                "\(word) is not a value: numbers are written without a unit (the key's name gives it); a string goes in quotes (\(TOMLValue.quoted(word)))"
            )
        }
        if unsigned.starts(with: "0o".utf8) || unsigned.starts(with: "0b".utf8) {
            throw error(
                .unsupported,
                "octal and binary integers are not supported in custodyd.toml; write a decimal or 0x hexadecimal integer"
            )
        }
        if let exponent = unsigned.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            try checkMantissa(unsigned[..<exponent], invalid: invalid)
            var digits = unsigned[(exponent + 1)...]
            if digits.first == .plus || digits.first == .minus { digits = digits.dropFirst() }
            guard isGrouped(digits, hexadecimal: false) else { throw invalid("the exponent must be digits") }
            return try float(bytes, invalid: invalid)
        }
        if unsigned.contains(.dot) {
            try checkMantissa(unsigned, invalid: invalid)
            return try float(bytes, invalid: invalid)
        }
        try checkInteger(unsigned, invalid: invalid)
        guard let value = Int64(String(decoding: bytes.filter { $0 != .underscore }, as: UTF8.self)) else {
            throw invalid(rangeRule)
        }
        return .integer(value)
    }

    private static let groupingRule = "digits may be grouped with single underscores between them, like 1_000"
    private static let rangeRule = "it is out of range (-9223372036854775808 to 9223372036854775807)"

    /// `1979-05-27…` or `07:32…`: the start of a TOML date or time.
    private static func isDateOrTime(_ bytes: [UInt8]) -> Bool {
        func digits(_ range: Range<Int>) -> Bool { range.allSatisfy { $0 < bytes.count && bytes[$0].isDigit } }
        let date = digits(0..<4) && bytes.count > 4 && bytes[4] == .minus
        let time = digits(0..<2) && bytes.count > 2 && bytes[2] == UInt8(ascii: ":")
        return date || time
    }

    /// The part before an exponent: an integer part, then optionally `.` and a fraction.
    private static func checkMantissa(
        _ mantissa: ArraySlice<UInt8>, invalid: (String) -> ConfigurationError
    ) throws {
        guard let dot = mantissa.firstIndex(of: .dot) else {
            try checkInteger(mantissa, invalid: invalid)
            return
        }
        try checkInteger(mantissa[..<dot], invalid: invalid)
        guard isGrouped(mantissa[(dot + 1)...], hexadecimal: false) else {
            throw invalid("a decimal point must have digits on both sides, like 0.5")
        }
    }

    /// Decimal digits in groups, without leading zeros.
    private static func checkInteger(_ digits: ArraySlice<UInt8>, invalid: (String) -> ConfigurationError) throws {
        guard isGrouped(digits, hexadecimal: false) else { throw invalid(groupingRule) }
        guard digits.first != UInt8(ascii: "0") || digits.count == 1 else {
            throw invalid("leading zeros are not allowed")
        }
    }

    private static func float(_ bytes: [UInt8], invalid: (String) -> ConfigurationError) throws -> TOMLValue.Kind {
        guard let value = Double(String(decoding: bytes.filter { $0 != .underscore }, as: UTF8.self)), value.isFinite
        else { throw invalid("it is out of range") }
        return .float(value)
    }

    /// Non-empty digits, with single underscores only between two digits.
    private static func isGrouped(_ digits: ArraySlice<UInt8>, hexadecimal: Bool) -> Bool {
        guard let first = digits.first, let last = digits.last, first != .underscore, last != .underscore else {
            return false
        }
        var previous: UInt8 = 0
        for byte in digits {
            if byte == .underscore {
                guard previous != .underscore else { return false }
            } else {
                guard byte.isDigit || (hexadecimal && byte.isHexLetter) else { return false }
            }
            previous = byte
        }
        return true
    }
}

extension UInt8 {
    static let plus = UInt8(ascii: "+")
    static let minus = UInt8(ascii: "-")
    static let underscore = UInt8(ascii: "_")

    fileprivate var isDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
    fileprivate var isHexLetter: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
