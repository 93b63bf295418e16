import ControlProtocol
import Operations

extension StateDirectory {
    /// Performs `request` as this process (a local `custodyd` command): the same operation, access
    /// policy and audit entry as the control socket's, with the process's own kernel identity.
    /// - Throws: the operation's refusal or failure, as `ControlError`; a bad argument as
    ///   `DaemonError.invalidArgument`.
    public func perform(_ request: ControlRequest) throws -> ControlResponse {
        let response = Operations(catalog: catalog, resolver: .daemonDefault).perform(request, by: .currentProcess)
        if let error = response.error {
            if error.code == .badRequest { throw DaemonError(code: .invalidArgument, message: error.message) }
            throw error
        }
        return response
    }
}
