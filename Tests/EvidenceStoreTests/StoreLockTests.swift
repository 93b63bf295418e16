import CustodyTesting
import EvidenceStore
import SystemPackage
import Testing

@Suite struct StoreLockTests {
    @Test func secondWriterIsToldWhoHoldsTheStore() throws {
        let directory = try TemporaryDirectory()
        let store = try EvidenceStore.create(at: FilePath(directory.file("state")))
        let first = try StoreLock(store: store)
        let error = #expect(throws: StoreError.self) { try StoreLock(store: store) }
        #expect(error?.code == .locked)
        withExtendedLifetime(first) {}
    }

    @Test func aDirectoryThatIsNotAStoreIsNamed() throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: StoreError.self) { try EvidenceStore(root: FilePath(directory.path)) }
        #expect(error?.code == .notAStore)
        #expect(error?.message.contains("custodyd init") == true)
    }
}
