import Glibc

/// GBK to Unicode through iconv (glibc's converter), for GA/T 947 identity records.
enum GBK {
    /// Decodes `bytes` as GBK.
    /// - Throws: `DeviceError.malformed` when a byte sequence is not GBK; `.unavailable` when iconv has
    ///   no GBK converter (glibc without gconv modules).
    static func decode(_ bytes: [UInt8], field: String) throws -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        let converter = iconv_open("UTF-8", "GBK")
        guard let converter, converter != iconv_t(bitPattern: -1) else {
            throw DeviceError(
                code: .unavailable, message: "iconv cannot convert GBK; install the glibc gconv modules")
        }
        defer { iconv_close(converter) }
        var input = bytes.map { CChar(bitPattern: $0) }
        // A GBK character is at most 2 bytes and becomes at most 3 bytes of UTF-8.
        var output = [CChar](repeating: 0, count: bytes.count * 2 + 4)
        let converted: Int = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = inputBuffer.baseAddress
                var inLeft = inputBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = outputBuffer.baseAddress
                var outLeft = outputBuffer.count
                let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                guard result != -1, inLeft == 0 else { return -1 }
                return outputBuffer.count - outLeft
            }
        }
        guard converted >= 0 else {
            throw DeviceError.malformed("GA/T 947 \(field) is not valid GBK text")
        }
        return String(decoding: output.prefix(converted).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
