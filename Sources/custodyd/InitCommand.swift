import ArgumentParser
import CustodyCore
import CustodyDaemon
import SystemPackage

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a state directory and a new key-encryption key (refuses to overwrite either).")

    @OptionGroup var options: StateOptions

    func run() throws {
        let root = FilePath(options.root.value)
        let keyPath = options.keyFile.map { FilePath($0) } ?? root.appending("custody.kek")
        let state = try StateDirectory.initialise(at: root, keyPath: keyPath, actor: .currentProcess)
        print("Initialised Custody state directory \(state.root)")
        print("Key-encryption key: \(keyPath) (fingerprint \(Hex.encode(try state.requireKey().fingerprint)))")
        print("Back the key file up somewhere safe and separate: without it no item can be decrypted.")
    }
}
