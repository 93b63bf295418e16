import CustodyCore
import EvidenceCrypto
import Testing

/// AES-256-GCM test cases 13–16 of McGrew & Viega, "The Galois/Counter Mode of Operation" (the
/// vectors NIST SP 800-38D validation draws on).
@Suite struct AESGCMKnownAnswerTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var key, nonce, plaintext, aad, ciphertext, tag: String
        var testDescription: String { name }
    }

    static let vectors = [
        Vector(
            name: "case 13", key: String(repeating: "0", count: 64), nonce: String(repeating: "0", count: 24),
            plaintext: "", aad: "", ciphertext: "", tag: "530f8afbc74536b9a963b4f1c4cb738b"),
        Vector(
            name: "case 14", key: String(repeating: "0", count: 64), nonce: String(repeating: "0", count: 24),
            plaintext: String(repeating: "0", count: 32), aad: "", ciphertext: "cea7403d4d606b6e074ec5d3baf39d18",
            tag: "d0d1c8a799996bf0265b98b5d48ab919"),
        Vector(
            name: "case 15", key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
            nonce: "cafebabefacedbaddecaf888",
            plaintext:
                "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
            aad: "",
            ciphertext:
                "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
            tag: "b094dac5d93471bdec1a502270e3cc6c"),
        Vector(
            name: "case 16", key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
            nonce: "cafebabefacedbaddecaf888",
            plaintext:
                "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
            aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2",
            ciphertext:
                "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
            tag: "76fc6ece0f4e1768cddf8853bb2d551b"),
    ]

    @Test(arguments: vectors)
    func sealMatchesPublishedVector(_ vector: Vector) throws {
        let key = try SecretKey(bytes: Hex.decode(vector.key)!)
        let plaintext = Hex.decode(vector.plaintext)!
        var out = [UInt8](repeating: 0, count: plaintext.count + 16)
        try Self.with(vector) { nonce, aad in
            try plaintext.withUnsafeBytes { plain in
                try out.withUnsafeMutableBytes { output in
                    try AESGCM(key: key, encrypting: true).seal(nonce: nonce, aad: aad, plaintext: plain, into: output)
                }
            }
        }
        #expect(Hex.encode(out) == vector.ciphertext + vector.tag)
    }

    @Test(arguments: vectors)
    func openRecoversPlaintextAndRejectsAnyFlippedBit(_ vector: Vector) throws {
        let key = try SecretKey(bytes: Hex.decode(vector.key)!)
        let sealed = Hex.decode(vector.ciphertext + vector.tag)!
        var plain = [UInt8](repeating: 0, count: sealed.count - 16)
        let opener = try AESGCM(key: key, encrypting: false)
        try Self.with(vector) { nonce, aad in
            try sealed.withUnsafeBytes { input in
                try plain.withUnsafeMutableBytes { try opener.open(nonce: nonce, aad: aad, sealed: input, into: $0) }
            }
        }
        #expect(Hex.encode(plain) == vector.plaintext)

        for position in [0, sealed.count / 2, sealed.count - 1] {
            var altered = sealed
            altered[position] ^= 0x01
            #expect(throws: CryptoError.self) {
                try Self.with(vector) { nonce, aad in
                    try altered.withUnsafeBytes { input in
                        try plain.withUnsafeMutableBytes {
                            try opener.open(nonce: nonce, aad: aad, sealed: input, into: $0)
                        }
                    }
                }
            }
        }
    }

    private static func with(
        _ vector: Vector, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let nonce = Hex.decode(vector.nonce)!
        let aad = Hex.decode(vector.aad)!
        try nonce.withUnsafeBytes { nonce in try aad.withUnsafeBytes { aad in try body(nonce, aad) } }
    }
}
