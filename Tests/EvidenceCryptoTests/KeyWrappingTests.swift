import CustodyCore
import EvidenceCrypto
import Testing

@Suite struct KeyWrappingTests {
    let kek = KeyEncryptionKey(key: try! SecretKey.random())

    @Test func wrappedKeyUnwrapsToTheSameKey() throws {
        let dataKey = try SecretKey.random()
        let id = EvidenceID()
        let wrapped = try kek.wrap(dataKey, for: id)
        #expect(wrapped.count == 60)
        let unwrapped = try kek.unwrap(wrapped, for: id)
        #expect(unwrapped.withUnsafeBytes(Array.init) == dataKey.withUnsafeBytes(Array.init))
    }

    @Test func wrappingTwiceUsesFreshNonces() throws {
        let dataKey = try SecretKey.random()
        let id = EvidenceID()
        #expect(try kek.wrap(dataKey, for: id) != kek.wrap(dataKey, for: id))
    }

    @Test func aWrappedKeyMovedToAnotherItemDoesNotUnwrap() throws {
        let wrapped = try kek.wrap(try SecretKey.random(), for: EvidenceID())
        #expect(throws: CryptoError.self) { try kek.unwrap(wrapped, for: EvidenceID()) }
    }

    @Test func anotherKEKCannotUnwrap() throws {
        let id = EvidenceID()
        let wrapped = try kek.wrap(try SecretKey.random(), for: id)
        let other = KeyEncryptionKey(key: try SecretKey.random())
        let error = #expect(throws: CryptoError.self) { try other.unwrap(wrapped, for: id) }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.message.contains("\(id)") == true)
    }

    @Test func fingerprintsIdentifyKeysWithoutRevealingThem() throws {
        let bytes = try SecureRandom.bytes(count: 32)
        let a = KeyEncryptionKey(key: try SecretKey(bytes: bytes))
        let b = KeyEncryptionKey(key: try SecretKey(bytes: bytes))
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.fingerprint.count == 16)
        #expect(a.fingerprint != kek.fingerprint)
        #expect(!Hex.encode(bytes).contains(Hex.encode(a.fingerprint)))
    }

    @Test func keysOfTheWrongLengthAreRefused() {
        #expect(throws: CryptoError.self) { try SecretKey(bytes: [UInt8](repeating: 1, count: 31)) }
        #expect("\(try! SecretKey.random())" == "SecretKey(redacted)")
    }
}
