import SystemPackage

/// One table of custodyd.toml as the configuration reads it: typed getters whose every error names the
/// key, the table and the line, and a check, when it is made, that every key in it is one custodyd
/// knows.
struct ConfigurationSection {
    /// A key a section accepts, and what it holds.
    enum Key {
        /// `key = value`
        case value(String)
        /// `[section.key]`
        case table(String)
        /// `[[section.key]]`
        case tableArray(String)

        var name: String {
            switch self {
            case .value(let name), .table(let name), .tableArray(let name): name
            }
        }
    }

    /// The table.
    let table: TOMLTable
    /// Its path from the root: `["devices", "profile"]`.
    let path: [String]
    /// Whether it is an element of an array of tables.
    let isArrayElement: Bool

    /// Its header as written: `[store]`, `[[devices.profile]]`.
    var header: String { TOMLDocument.header(path, isArray: isArrayElement) }
    /// Where a key is, for errors: `in [store]`, `at the top level`.
    var place: String { path.isEmpty ? "at the top level" : "in \(header)" }

    /// Wraps a table, checking that it has no key but `known` (nil: any key, such as serial numbers).
    /// - Throws: `ConfigurationError.unknownKey` naming the first unknown key, its line and, when one
    ///   is close, the known key that was probably meant.
    init(_ table: TOMLTable, path: [String], isArrayElement: Bool = false, known: [Key]?) throws {
        self.table = table
        self.path = path
        self.isArrayElement = isArrayElement
        guard let known else { return }
        let names = Set(known.map(\.name))
        for key in table.keys where !names.contains(key) {
            throw unknown(key, known: known)
        }
    }

    private func unknown(_ key: String, known: [Key]) -> ConfigurationError {
        let value = table[key]!
        let what: String
        var isTable = true
        switch value.kind {
        case .table: what = "unknown table \(TOMLDocument.header(path + [key], isArray: false))"
        case .tableArray: what = "unknown table \(TOMLDocument.header(path + [key], isArray: true))"
        default:
            what = "unknown key \(TOMLValue.quoted(key)) \(place)"
            isTable = false
        }
        var detail = what
        let homes = ConfigurationSchema.headers(accepting: key).filter { $0 != header }
        if !isTable, !homes.isEmpty {
            // Written under the wrong header, most likely after the next one began.
            detail += "; it belongs in \(homes.joined(separator: " or "))"
        } else if let suggestion = KeySuggestion.closest(to: key, among: known.map(\.name)) {
            switch known.first(where: { $0.name == suggestion })! {
            case .value: detail += "; did you mean \(TOMLValue.quoted(suggestion))?"
            case .table: detail += "; did you mean \(TOMLDocument.header(path + [suggestion], isArray: false))?"
            case .tableArray: detail += "; did you mean \(TOMLDocument.header(path + [suggestion], isArray: true))?"
            }
        } else if !known.isEmpty {
            let names = known.map { key in
                switch key {
                case .value(let name): TOMLValue.quoted(name)
                case .table(let name): TOMLDocument.header(path + [name], isArray: false)
                case .tableArray(let name): TOMLDocument.header(path + [name], isArray: true)
                }
            }
            detail += " (\(path.isEmpty ? "tables are" : "keys are") \(names.joined(separator: ", ")))"
        }
        return ConfigurationError(code: .unknownKey, line: value.line, detail: detail)
    }

    // MARK: Errors

    /// `key "x" in [store] must be <requirement>, not <value>`, on the value's line.
    func invalid(_ key: String, _ value: TOMLValue, mustBe requirement: String) -> ConfigurationError {
        ConfigurationError(
            code: .invalidValue, line: value.line,
            detail: "key \(TOMLValue.quoted(key)) \(place) must be \(requirement), not \(value.shown)")
    }

    /// `key "x" in [store] must be <type>, not the string "y"`, on the value's line.
    func wrongType(_ key: String, _ value: TOMLValue, mustBe type: String) -> ConfigurationError {
        ConfigurationError(
            code: .wrongType, line: value.line,
            detail: "key \(TOMLValue.quoted(key)) \(place) must be \(type), not \(value.shownWithType)")
    }

    /// `[[watch]] needs key "path" (an absolute path)`, on the header's line.
    func missing(_ key: String, _ what: String) -> ConfigurationError {
        ConfigurationError(
            code: .missingKey, line: table.line, detail: "\(header) needs key \(TOMLValue.quoted(key)) (\(what))")
    }

    // MARK: Values

    /// A string, converted by `convert`; nil when the key is absent.
    /// - Throws: `.wrongType` for a value that is not a string, `.invalidValue` when `convert` returns nil.
    func string<T>(_ key: String, mustBe requirement: String, _ convert: (String) -> T?) throws -> T? {
        guard let value = table[key] else { return nil }
        guard case .string(let text) = value.kind else { throw wrongType(key, value, mustBe: "a string") }
        guard let converted = convert(text) else { throw invalid(key, value, mustBe: requirement) }
        return converted
    }

    /// A non-empty string; nil when the key is absent.
    func string(_ key: String, allowingEmpty: Bool = false) throws -> String? {
        try string(key, mustBe: "a non-empty string") { allowingEmpty || !$0.isEmpty ? $0 : nil }
    }

    /// An absolute path: the daemon runs unattended, so nothing may depend on its working directory.
    func absolutePath(_ key: String) throws -> FilePath? {
        try string(key, mustBe: "an absolute path (starting with /)", Self.absolutePath)
    }

    static func absolutePath(_ text: String) -> FilePath? {
        guard text.hasPrefix("/"), !text.unicodeScalars.contains("\0") else { return nil }
        return FilePath(text).lexicallyNormalized()
    }

    /// An integer in `range`; nil when the key is absent.
    func integer(_ key: String, in range: ClosedRange<Int64>, mustBe requirement: String? = nil) throws -> Int64? {
        guard let value = table[key] else { return nil }
        guard case .integer(let number) = value.kind else { throw wrongType(key, value, mustBe: "an integer") }
        guard range.contains(number) else {
            throw invalid(
                key, value, mustBe: requirement ?? "an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// A number (integer or float) for which `isValid` holds; nil when the key is absent.
    func number(_ key: String, mustBe requirement: String, where isValid: (Double) -> Bool) throws -> Double? {
        guard let value = table[key] else { return nil }
        let number: Double
        switch value.kind {
        case .integer(let integer): number = Double(integer)
        case .float(let float): number = float
        default: throw wrongType(key, value, mustBe: "a number")
        }
        guard isValid(number) else { throw invalid(key, value, mustBe: requirement) }
        return number
    }

    /// `true` or `false`; nil when the key is absent.
    func boolean(_ key: String) throws -> Bool? {
        guard let value = table[key] else { return nil }
        guard case .boolean(let flag) = value.kind else { throw wrongType(key, value, mustBe: "true or false") }
        return flag
    }

    /// An array of strings, each one accepted by `isValid`; nil when the key is absent.
    func strings(_ key: String, eachMustBe requirement: String, where isValid: (String) -> Bool) throws -> [String]? {
        guard let value = table[key] else { return nil }
        guard case .array(let elements) = value.kind else {
            throw wrongType(key, value, mustBe: "an array of strings")
        }
        return try elements.map { element in
            guard case .string(let text) = element.kind else {
                throw ConfigurationError(
                    code: .wrongType, line: element.line,
                    detail:
                        "key \(TOMLValue.quoted(key)) \(place) must be an array of strings, but holds \(element.shownWithType)"
                )
            }
            guard isValid(text) else {
                throw ConfigurationError(
                    code: .invalidValue, line: element.line,
                    detail:
                        "each element of key \(TOMLValue.quoted(key)) \(place) must be \(requirement), not \(element.shown)"
                )
            }
            return text
        }
    }

    // MARK: Tables

    /// The table `[path.key]`, checked to hold only `known` keys; an empty one when it is absent.
    /// - Throws: `.wrongType` when the key is a value or an array of tables.
    func section(_ key: String, known: [Key]?) throws -> ConfigurationSection {
        let header = TOMLDocument.header(path + [key], isArray: false)
        guard let value = table[key] else {
            return try ConfigurationSection(
                TOMLTable(line: table.line, origin: .implied), path: path + [key], known: known)
        }
        switch value.kind {
        case .table(let child):
            return try ConfigurationSection(child, path: path + [key], known: known)
        case .tableArray:
            throw ConfigurationError(
                code: .wrongType, line: value.line,
                detail:
                    "\(TOMLDocument.header(path + [key], isArray: true)) must be written \(header): there is only one")
        default:
            throw wrongType(key, value, mustBe: "a table (\(header))")
        }
    }

    /// The elements of `[[path.key]]`, each checked to hold only `known` keys; none when it is absent.
    /// - Throws: `.wrongType` when the key is a value or a single table.
    func sections(_ key: String, known: [Key]) throws -> [ConfigurationSection] {
        let header = TOMLDocument.header(path + [key], isArray: true)
        guard let value = table[key] else { return [] }
        switch value.kind {
        case .tableArray(let elements):
            return try elements.map {
                try ConfigurationSection($0, path: path + [key], isArrayElement: true, known: known)
            }
        case .table:
            throw ConfigurationError(
                code: .wrongType, line: value.line,
                detail: "\(TOMLDocument.header(path + [key], isArray: false)) must be written \(header), once for each")
        default:
            throw wrongType(key, value, mustBe: "an array of tables (\(header))")
        }
    }
}
