import CustodyTesting
import Foundation
import Testing

/// Every command that is given a key file checks it against the store, even one that does not need it.
@Suite(.serialized) struct WrongKeyTests {
    @Test(arguments: [["list"], ["audit", "verify"], ["verify"]])
    func anotherStoresKeyIsRefusedByName(command: [String]) throws {
        let mine = try CLIFixture("wrongKey-\(command.joined(separator: "-"))")
        let other = try CLIFixture("wrongKeyOther-\(command.joined(separator: "-"))")
        let result = try custodyd(arguments: command + ["--state", mine.state, "--key-file", other.key])
        #expect(result.status == 2)
        #expect(result.stderr.contains("is not this store's key"), "\(result.stderr)")
        #expect(try custodyd(arguments: command + ["--state", mine.state, "--key-file", mine.key]).status == 0)
    }
}
