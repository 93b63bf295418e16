import CustodyTesting
import Testing

@testable import CustodyDaemon

/// Hostile or damaged configuration text never crashes the daemon: it parses, or it throws a
/// `ConfigurationError`.
@Suite struct ConfigurationFuzzTests {
    private func survives(_ text: String) {
        do {
            _ = try ConfigurationFile.parse(text: text, path: "fuzz.toml", environment: [:])
        } catch is ConfigurationError {
        } catch {
            Issue.record("\(type(of: error)) is not a ConfigurationError: \(error)")
        }
    }

    @Test func randomBytesNeverCrash() {
        var generator = SplitMix64(seed: 0xC057_0D1E)
        // Mostly the characters TOML is made of, so that the parser gets past the first byte.
        let alphabet = Array("[]{}=\"'\\#.,:+-_ \t\n\r0123456789xeEuU.abcdefinftrue".utf8)
        for _ in 0..<3000 {
            let count = Int.random(in: 0...120, using: &generator)
            let bytes = (0..<count).map { _ in
                Bool.random(using: &generator)
                    ? alphabet.randomElement(using: &generator)! : UInt8.random(in: 0...255, using: &generator)
            }
            survives(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func truncationsOfTheExampleNeverCrash() throws {
        let example = Array(try ConfigurationExampleTests.uncommentedExample().utf8)
        // Every line end (and the byte after it), and every few bytes in between: each parse is a
        // whole file, so every byte would make this test slow without finding more.
        var ends = Set(stride(from: 0, through: example.count, by: 5))
        for (index, byte) in example.enumerated() where byte == UInt8(ascii: "\n") {
            ends.formUnion([index, index + 1])
        }
        for end in ends.sorted() {
            survives(String(decoding: example[..<end], as: UTF8.self))
        }
    }

    @Test func mutationsOfTheExampleNeverCrash() throws {
        var generator = SplitMix64(seed: 42)
        let example = Array(try ConfigurationExampleTests.uncommentedExample().utf8)
        let replacements = Array("[]\"'=#\n\\.,0x_-".utf8) + [0, 0xFF, 0x7F]
        for _ in 0..<800 {
            var bytes = example
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[index] = replacements.randomElement(using: &generator)!
                case 1: bytes.remove(at: index)
                default: bytes.insert(replacements.randomElement(using: &generator)!, at: index)
                }
            }
            survives(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func deepNestingIsRefusedNotRecursedInto() {
        survives("v = " + String(repeating: "[", count: 100_000))
        survives("[" + Array(repeating: "a", count: 100_000).joined(separator: ".") + "]")
    }
}

extension ConfigurationFuzzTests {
    /// Tables are changed in place: a copy for every key would make a large file take quadratic time.
    @Test func largeFilesParseInLinearTime() throws {
        let keys = (0..<20_000).map { "key\($0) = \($0)" }.joined(separator: "\n")
        let headers = (0..<20_000).map { "[[devices.profile]]\nn = \($0)" }.joined(separator: "\n")
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            _ = try TOMLDocument(parsing: "[a.b]\n" + keys)
            _ = try TOMLDocument(parsing: headers)
        }
        // Generous for a debug build on a busy machine; quadratic copying takes minutes.
        #expect(elapsed < .seconds(30))
    }
}
