@testable import Devices

/// What a simulated device does in answer to one write, transfer by transfer.
enum SimulatedOutcome {
    /// One IN transfer carrying these bytes.
    case data([UInt8])
    /// The IN endpoint stalls.
    case stall
    /// The device stays silent: the read times out (at once; the simulation never sleeps).
    case timeout
    /// The device drops off the bus; every later call fails too.
    case disconnect
}

/// The firmware behind a simulated device: it sees each OUT transfer and says what comes back.
protocol SimulatedFirmware: AnyObject {
    func receive(_ bytes: [UInt8]) -> [SimulatedOutcome]
}

/// A `USBTransport` that is a simulated device: the same interface and error codes as `LibUSBDevice`.
///
/// A read with nothing queued times out, as a silent device would, but without waiting.
final class SimulatedUSBDevice: USBTransport {
    let firmware: any SimulatedFirmware
    let endpoints: BulkEndpoints
    private var queue: [SimulatedOutcome] = []
    private(set) var disconnected = false
    /// Every OUT transfer, in order.
    private(set) var written: [[UInt8]] = []

    init(firmware: any SimulatedFirmware, endpoints: BulkEndpoints = BulkEndpoints()) {
        self.firmware = firmware
        self.endpoints = endpoints
    }

    func bulkWrite(endpoint: UInt8, data: [UInt8], timeoutMilliseconds: UInt32) throws {
        guard !disconnected else {
            throw DeviceError(code: .disconnected, message: "writing failed: the simulated device was disconnected")
        }
        guard endpoint == endpoints.out else {
            throw DeviceError(code: .stalled, message: "simulated device has no OUT endpoint \(endpoint)")
        }
        written.append(data)
        queue += firmware.receive(data)
    }

    func bulkRead(endpoint: UInt8, maxLength: Int, timeoutMilliseconds: UInt32) throws -> [UInt8] {
        guard !disconnected else {
            throw DeviceError(code: .disconnected, message: "reading failed: the simulated device was disconnected")
        }
        guard endpoint == endpoints.in else {
            throw DeviceError(code: .stalled, message: "simulated device has no IN endpoint \(endpoint)")
        }
        guard !queue.isEmpty else {
            throw DeviceError(code: .timeout, message: "reading timed out; the simulated device did not answer")
        }
        switch queue.removeFirst() {
        case .data(let bytes):
            if bytes.count > maxLength {
                // A real device's extra bytes would overflow; deliver what fits and keep the rest.
                queue.insert(.data(Array(bytes[maxLength...])), at: 0)
                return Array(bytes.prefix(maxLength))
            }
            return bytes
        case .stall:
            throw DeviceError(code: .stalled, message: "reading failed: the endpoint stalled")
        case .timeout:
            throw DeviceError(code: .timeout, message: "reading timed out; the simulated device did not answer")
        case .disconnect:
            disconnected = true
            throw DeviceError(code: .disconnected, message: "reading failed: the simulated device was disconnected")
        }
    }
}

/// How a simulated recorder misbehaves on one command.
enum SimulatedFault: Equatable {
    case garbage([UInt8])
    case stall
    case silence
    case disconnect
    /// The right answer, delivered a few bytes per transfer.
    case fragmented
}
