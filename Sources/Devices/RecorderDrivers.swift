import Glibc

extension DeviceProfile {
    /// The driver for this profile's family over a USB `transport`; nil for families with nothing to
    /// unlock (`massStorage` is already a disk; `mtp` is read through `PTPSession` and `MTPVolume`) and
    /// for those that speak SCSI (`makeDriver(scsi:password:)`).
    /// - Parameters:
    ///   - password: the unlock password (from `readUnlockPassword(credentialsDirectory:)`).
    ///   - fallbackSerial: what to call a device whose protocol reports no id (its USB serial).
    public func makeDriver(
        transport: any USBTransport, password: String, fallbackSerial: String = ""
    ) -> (any RecorderDriver)? {
        switch family {
        case .ambarella:
            return AmbarellaProbe(
                transport: transport, password: password, endpoints: endpoints, fallbackSerial: fallbackSerial)
        case .ambarellaA9:
            guard let control = transport as? any USBControlTransport else { return nil }
            return AmbarellaA9Driver(
                transport: control, password: password, fallbackSerial: fallbackSerial,
                timeoutMilliseconds: endpoints.timeoutMilliseconds)
        case .hengan: return HenganDriver(transport: transport, password: password, endpoints: endpoints)
        case .jieli, .massStorage, .mtp: return nil
        }
    }

    /// The driver for a family that speaks SCSI to the recorder's own LUN; nil for the others.
    public func makeDriver(scsi transport: any SCSITransport, password: String) -> (any RecorderDriver)? {
        guard family == .jieli else { return nil }
        return JieLiDriver(transport: transport, password: password, timeoutMilliseconds: endpoints.timeoutMilliseconds)
    }

    /// Reads the unlock password from the systemd credential the profile names: the file
    /// `<credentialsDirectory>/<unlockPassword>`, one trailing newline removed. Nil when the profile
    /// names none.
    /// - Throws: `DeviceError.unavailable` naming the credential (never its content) when it is missing,
    ///   unreadable, empty, larger than 256 bytes, or not printable ASCII.
    public func readUnlockPassword(credentialsDirectory: String) throws -> String? {
        guard let name = unlockPassword else { return nil }
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw DeviceError(
                code: .unavailable,
                message: "unlockPassword \"\(name)\" of profile \(self.name) is not a credential name")
        }
        let path = credentialsDirectory + "/" + name
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw DeviceError(
                code: .unavailable,
                message: "credential \(name) for profile \(self.name) cannot be opened (errno \(errno)); "
                    + "add it with LoadCredential= in custodyd.service")
        }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 258)
        let count = read(descriptor, &buffer, buffer.count)
        var bytes = Array(buffer.prefix(max(count, 0)))
        if bytes.last == 0x0A { bytes.removeLast() }
        guard count > 0, count <= 257, !bytes.isEmpty, bytes.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw DeviceError(
                code: .unavailable,
                message: "credential \(name) for profile \(self.name) must hold one line of printable ASCII, "
                    + "at most 256 bytes")
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
