/// An Ambarella recorder whose variant is found by asking: the ASCII login (`AmbarellaDriver`) first,
/// and the A9 control-transfer protocol (`AmbarellaA9Driver`) when the ASCII login gets no answer.
///
/// "No answer" is a timeout, a stall or an I/O error on the bulk endpoints (an A9 may have none). A
/// refusal, garbage or a disconnect is not a reason to try the other variant: it is reported.
public final class AmbarellaProbe: RecorderDriver {
    private let ascii: AmbarellaDriver
    private let controlVariant: AmbarellaA9Driver?
    private var chosen: (any RecorderDriver)?

    /// Creates a probe; without a control transport, only the ASCII variant is tried.
    public init(
        transport: any USBTransport, password: String, endpoints: BulkEndpoints, fallbackSerial: String
    ) {
        ascii = AmbarellaDriver(transport: transport, password: password, endpoints: endpoints)
        controlVariant = (transport as? any USBControlTransport).map {
            AmbarellaA9Driver(
                transport: $0, password: password, fallbackSerial: fallbackSerial,
                timeoutMilliseconds: endpoints.timeoutMilliseconds)
        }
    }

    /// Which variant answered, once one did: `ascii` or `a9`.
    public var variant: String? {
        guard let chosen else { return nil }
        return chosen === ascii ? "ascii" : "a9"
    }

    private func driver() throws -> any RecorderDriver {
        if let chosen { return chosen }
        let answered: any RecorderDriver
        do {
            try ascii.login()
            answered = ascii
        } catch let error as DeviceError where [.timeout, .stalled, .io].contains(error.code) {
            guard let controlVariant else { throw error }
            answered = controlVariant
        }
        chosen = answered
        return answered
    }

    public func identify() throws -> DeviceIdentity { try driver().identify() }
    public func readClock() throws -> DeviceDateTime { try driver().readClock() }
    public func setClock(_ time: DeviceDateTime) throws { try driver().setClock(time) }
    public func unlock(password: String) throws -> StorageHandover { try driver().unlock(password: password) }
}
