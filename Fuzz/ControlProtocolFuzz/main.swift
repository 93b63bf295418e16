// libFuzzer target for what a control-socket peer sends: the line framer (its memory bound and its
// lines), request decoding (never a crash; what decodes re-encodes to the same request) and response
// decoding (what a client reads from a daemon). Built and run by `make fuzz-control` (not part of CI);
// a crash, a hang or a broken invariant (a trap) is a finding.

import ControlProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 1 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let body = Array(bytes.dropFirst(2))
    switch bytes[0] % 3 {
    case 0:
        // A small cap and chunk sizes from the input, so caps, CRs and chunk edges all get crossed.
        let cap = Int(bytes[1] % 64) + 1
        var framer = LineFramer(maxLineLength: cap)
        var start = 0
        var chunk = 1
        while start < body.count {
            let end = min(start + chunk, body.count)
            for frame in framer.append(body[start..<end]) {
                if case .line(let line) = frame {
                    precondition(line.count <= cap, "a line over the cap")
                    precondition(!line.contains(UInt8(ascii: "\n")), "a newline inside a line")
                }
            }
            precondition(framer.bufferedByteCount <= cap + 1, "buffered beyond the cap")
            chunk = Int(body[start]) % 17 + 1
            start = end
        }
        if case .line(let line)? = framer.finish() { precondition(line.count <= cap) }
    case 1:
        if let request = try? ControlRequest.decode(line: body) {
            let again = try? ControlRequest.decode(line: Array((try! request.encodedLine()).dropLast()))
            precondition(again == request, "a request does not survive encoding")
        }
    default:
        _ = try? ControlResponse.decode(line: body)
    }
    return 0
}
