import EvidenceCrypto
import Foundation

// MARK: - crypto-rates

/// Times, on one core, the per-byte work ingest does on every byte: SHA-256 (three passes: the
/// plaintext while reading, the object file while writing, the plaintext again at read-back) and
/// AES-256-GCM (seal at ingest, open at read-back), over 1 MiB segments as the store uses them.
/// Prints each rate and the CPU seconds those five passes cost for `MIB` MiB, and
/// `RESULT cpu_seconds=S sha256_mib_s=A seal_mib_s=B open_mib_s=C`.
func cryptoRates(_ arguments: [String]) throws {
    guard arguments.count == 1 else { usage("crypto-rates takes MIB") }
    let mebibytes = positiveInt(arguments[0], "MIB")
    let segment = 1 << 20
    let plain = UnsafeMutableRawBufferPointer.allocate(byteCount: segment, alignment: 4096)
    let sealed = UnsafeMutableRawBufferPointer.allocate(byteCount: segment + AESGCM.tagLength, alignment: 4096)
    defer {
        plain.deallocate()
        sealed.deallocate()
    }
    for index in 0..<segment { plain[index] = UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 13) }
    let key = try SecretKey.random()
    let sealer = try AESGCM(key: key, encrypting: true)
    let opener = try AESGCM(key: key, encrypting: false)
    let nonce = [UInt8](repeating: 7, count: AESGCM.nonceLength)
    let aad = [UInt8](repeating: 1, count: 64)
    let clock = ContinuousClock()

    func rate(_ pass: () throws -> Void) rethrows -> Double {
        try pass()  // warm-up: caches, OpenSSL's dispatch
        let elapsed = try clock.measure { for _ in 0..<mebibytes { try pass() } }
        return Double(mebibytes) / (elapsed.milliseconds / 1000)
    }
    let hasher = SHA256Hasher()
    let sha = rate { hasher.update(UnsafeRawBufferPointer(plain)) }
    let seal = try nonce.withUnsafeBytes { nonce in
        try aad.withUnsafeBytes { aad in
            try rate { try sealer.seal(nonce: nonce, aad: aad, plaintext: UnsafeRawBufferPointer(plain), into: sealed) }
        }
    }
    let open = try nonce.withUnsafeBytes { nonce in
        try aad.withUnsafeBytes { aad in
            try rate { try opener.open(nonce: nonce, aad: aad, sealed: UnsafeRawBufferPointer(sealed), into: plain) }
        }
    }
    let cpu = Double(mebibytes) * (3 / sha + 1 / seal + 1 / open)
    print(
        "crypto-rates (one core, 1 MiB segments): SHA-256 \(format(sha, 0)) MiB/s (\(format(1e9 / (sha * 1_048_576), 2)) ns/byte), AES-256-GCM seal \(format(seal, 0)) MiB/s (\(format(1e9 / (seal * 1_048_576), 2)) ns/byte), open \(format(open, 0)) MiB/s (\(format(1e9 / (open * 1_048_576), 2)) ns/byte)"
    )
    print("for \(mebibytes) MiB: 3 x SHA-256 + seal + open = \(format(cpu, 2)) CPU seconds")
    print(
        "RESULT cpu_seconds=\(format(cpu, 3)) sha256_mib_s=\(format(sha, 0)) seal_mib_s=\(format(seal, 0)) open_mib_s=\(format(open, 0))"
    )
}
