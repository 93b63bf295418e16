import Testing

@testable import CustodyDaemon

/// The TOML subset parser behind custodyd.toml: what it accepts, and that what it refuses names the line.
@Suite struct ConfigurationTOMLTests {
    private func parse(_ text: String) throws -> TOMLTable { try TOMLDocument(parsing: text).root }

    private func value(_ text: String, _ key: String = "v") throws -> TOMLValue.Kind? { try parse(text)[key]?.kind }

    private func parseError(_ text: String) -> ConfigurationError? {
        do {
            _ = try TOMLDocument(parsing: text)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test(arguments: [
        ("v = \"text\"", TOMLValue.Kind.string("text")),
        ("v = ''", .string("")),
        (#"v = 'C:\no\escapes'"#, .string(#"C:\no\escapes"#)),
        ("v = 0", .integer(0)),
        ("v = 1_000_000", .integer(1_000_000)),
        ("v = -42", .integer(-42)),
        ("v = +7", .integer(7)),
        ("v = 0x81", .integer(0x81)),
        ("v = 0xdead_BEEF", .integer(0xdead_beef)),
        ("v = 9223372036854775807", .integer(.max)),
        ("v = 2.5", .float(2.5)),
        ("v = -0.25", .float(-0.25)),
        ("v = 1e3", .float(1000)),
        ("v = 6.02E+2", .float(602)),
        ("v = 1_0.0_1", .float(10.01)),
        ("v = true", .boolean(true)),
        ("v = false", .boolean(false)),
        ("v = []", .array([])),
        ("\"v\" = 1", .integer(1)),
        ("'v' = 1", .integer(1)),
        ("v=1#no spaces needed", .integer(1)),
    ])
    func valueKinds(text: String, expected: TOMLValue.Kind) throws {
        #expect(try value(text) == expected)
    }

    @Test func basicStringEscapes() throws {
        let text = #"v = "q\" b\\ n\n t\t r\r b\b f\f e\u00e9 smile\U0001F600""#
        #expect(try value(text) == .string("q\" b\\ n\n t\t r\r b\u{8} f\u{C} e\u{E9} smile\u{1F600}"))
    }

    @Test func nonASCIIIsKeptAsWritten() throws {
        #expect(try value("v = \"Müller ☃\"") == .string("Müller ☃"))
        #expect(try value("\"Schlüssel\" = 1", "Schlüssel") == .integer(1))
    }

    @Test func multiLineArraysWithCommentsAndTrailingComma() throws {
        let text = """
            v = [  # the folders
                "DCIM",   # first
                # a comment line inside
                "MISC",
            ]
            w = [[1, 2], ["a"]]
            """
        let root = try parse(text)
        #expect(
            root["v"]?.kind
                == .array([TOMLValue(kind: .string("DCIM"), line: 2), TOMLValue(kind: .string("MISC"), line: 4)]))
        #expect(root["v"]?.line == 1)
        guard case .array(let nested)? = root["w"]?.kind else {
            Issue.record("w is not an array")
            return
        }
        #expect(nested.count == 2)
        #expect(nested.map(\.line) == [6, 6])
    }

    @Test func commentsBlankLinesAndCRLF() throws {
        let root = try parse("# header\r\n\r\n  a = 1 # trailing\r\n\t# indented\r\nb = 2")
        #expect(root.keys == ["a", "b"])
        #expect(root["a"]?.line == 3)
        #expect(root["b"]?.line == 5)
        #expect(try parse("\u{FEFF}a = 1")["a"]?.kind == .integer(1))
    }

    @Test func tablesAndArraysOfTables() throws {
        let text = """
            top = 1
            [store]
            x = "a"

            [devices.registry."AB 12"]
            officer = "P1"

            [[devices.profile]]
            id = "1"
            [[devices.profile]]
            id = "2"

            [devices]
            enabled = false
            """
        let root = try parse(text)
        #expect(root.keys == ["top", "store", "devices"])
        guard case .table(let devices)? = root["devices"]?.kind else {
            Issue.record("devices is not a table")
            return
        }
        #expect(devices.line == 13)
        #expect(devices.keys == ["registry", "profile", "enabled"])
        guard case .tableArray(let profiles)? = devices["profile"]?.kind,
            case .table(let registry)? = devices["registry"]?.kind,
            case .table(let entry)? = registry["AB 12"]?.kind
        else {
            Issue.record("wrong shape: \(devices)")
            return
        }
        #expect(profiles.map(\.line) == [8, 10])
        #expect(profiles.map { $0["id"]?.kind } == [.string("1"), .string("2")])
        #expect(entry["officer"] == TOMLValue(kind: .string("P1"), line: 6))
    }

    @Test func subTablesOfArrayElementsGoToTheLastElement() throws {
        let root = try parse("[[a]]\nx = 1\n[[a]]\n[a.b]\ny = 2")
        guard case .tableArray(let elements)? = root["a"]?.kind else {
            Issue.record("a is not an array of tables")
            return
        }
        #expect(elements.count == 2)
        #expect(elements[0]["b"] == nil)
        guard case .table(let b)? = elements[1]["b"]?.kind else {
            Issue.record("b is not in the second element")
            return
        }
        #expect(b["y"]?.kind == .integer(2))
    }

    @Test(arguments: [
        ("a = 1\na = 2", 2, "key \"a\" is already defined on line 1 at the top level"),
        ("[t]\na = 1\n\n[t]", 4, "[t]: the table is already defined on line 1"),
        ("[t]\na = 1\n[t.a]", 3, "key \"a\" is already defined on line 2"),
        ("[[t]]\n[t]", 2, "already an array of tables on line 1"),
        ("[t]\n[[t]]", 2, "already defined on line 1"),
        ("v = [1]\n[[v]]", 2, "already defined on line 1"),
        ("[a.b]\n[a]\n[a]", 3, "already defined on line 2"),
        ("[[p]]\nx = 1\nx = 2", 3, "in [[p]]"),
        ("\"a\" = 1\na = 2", 2, "already defined"),
    ])
    func duplicatesAreErrors(text: String, line: Int, message: String) throws {
        let error = try #require(parseError(text))
        #expect(error.code == .duplicate)
        #expect(error.line == line)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test func aSuperTableMayBeDefinedOnceAfterItsSubTable() throws {
        let root = try parse("[a.b]\nx = 1\n[a]\ny = 2")
        guard case .table(let a)? = root["a"]?.kind else {
            Issue.record("a is not a table")
            return
        }
        #expect(a.keys == ["b", "y"])
    }

    @Test(arguments: [
        ("a = 1\nwhen = 1979-05-27T07:32:00Z", 2, "dates and times are not supported in custodyd.toml"),
        ("when = 1979-05-27", 1, "dates and times"),
        ("\n\nat = 07:32:00", 3, "dates and times"),
        ("a = 1\nb = \"\"\"\ntext\n\"\"\"", 2, "multi-line strings (\"\"\") are not supported in custodyd.toml; write"),
        ("b = '''text'''", 1, "multi-line literal strings"),
        ("\n[t]\nx = { a = 1 }", 3, "inline tables ({ … }) are not supported in custodyd.toml; write a [table]"),
        ("[store]\nstore.state_directory = \"/x\"", 2, "dotted keys"),
        ("x = inf", 1, "inf and nan are not supported"),
        ("x = -nan", 1, "inf and nan"),
        ("x = 0o755", 1, "octal and binary integers are not supported"),
        ("x = 0b101", 1, "octal and binary"),
        ("x = \(String(repeating: "[", count: 40))", 1, "nest more than"),
    ])
    func unsupportedSyntaxNamesTheLine(text: String, line: Int, message: String) throws {
        let error = try #require(parseError(text))
        #expect(error.code == .unsupported)
        #expect(error.line == line)
        #expect(error.message.hasPrefix("line \(line): "), "\(error.message)")
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test(arguments: [
        ("a = \"open", 1, "not closed with \""),
        ("a = 'open\nb = 1", 1, "not closed with '"),
        ("a = \"bad \\q escape\"", 1, "unknown escape \\q"),
        ("a = \"\\u12\"", 1, "\\u must be followed by 4 hexadecimal digits"),
        ("a = \"\\uD800\"", 1, "not a Unicode scalar value"),
        ("a = \"\\U00110000\"", 1, "not a Unicode scalar value"),
        ("a = \"tab\tok, bell \u{7} not\"", 1, "control character 0x07 in a string"),
        ("\n\na 1", 3, "expected \"=\" after key \"a\""),
        ("a =", 1, "expected a value"),
        ("a = # nothing", 1, "expected a value"),
        ("a = 1 2", 1, "expected the end of the line after the value of \"a\""),
        ("a = yes", 1, "yes is not a value; write a string in quotes (\"yes\")"),
        ("a = 0123", 1, "leading zeros"),
        ("a = 5s", 1, "5s is not a value: numbers are written without a unit"),
        ("a = 30_min", 1, "without a unit"),
        ("a = 1__000", 1, "single underscores"),
        ("a = _1", 1, "not a value"),
        ("a = 1_", 1, "single underscores"),
        ("a = 1.", 1, "digits on both sides"),
        ("a = 1e", 1, "exponent"),
        ("a = -0x10", 1, "cannot have a sign"),
        ("a = 9223372036854775808", 1, "out of range"),
        ("a = 0x8000000000000000", 1, "out of range"),
        ("a = 1e999", 1, "out of range"),
        ("a = [1, 2", 1, "the array that starts on line 1 is not closed"),
        ("a = [\n1\n2]", 3, "expected \",\" or \"]\" in the array that starts on line 1"),
        ("a = [,]", 1, "expected a value"),
        ("[t", 1, "expected ] to end the table header"),
        ("[[t]", 1, "expected ]] to end the table header"),
        ("[]", 1, "expected a key"),
        ("[t] x = 1", 1, "expected the end of the line after [t]"),
        ("= 1", 1, "expected a key"),
        ("a = 1\r", 1, "carriage return without a line feed"),
        ("# bell \u{7}", 1, "control character 0x07 in a comment"),
    ])
    func syntaxErrorsNameTheLine(text: String, line: Int, message: String) throws {
        let error = try #require(parseError(text))
        #expect(error.code == .syntax)
        #expect(error.line == line)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test func errorsQuoteHostileTextSafely() throws {
        let error = try #require(parseError("a = nope\u{1B}[31m"))
        #expect(!error.message.contains("\u{1B}"))
    }
}
