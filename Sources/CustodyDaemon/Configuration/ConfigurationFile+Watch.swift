import SystemPackage

/// `[[watch]]`: folders a card reader or a share delivers into.
extension ConfigurationFile {
    static func watchedFolders(_ sections: [ConfigurationSection]) throws -> [DaemonConfiguration.WatchedFolder] {
        var pathLines: [FilePath: Int] = [:]
        var nameLines: [String: Int] = [:]
        return try sections.map { section in
            guard let path = try section.absolutePath("path") else {
                throw section.missing("path", "the absolute path of the folder")
            }
            let line = section.table["path"]!.line
            // Two watchers on one folder would ingest every file twice, racing each other.
            if let other = pathLines.updateValue(line, forKey: path) {
                throw ConfigurationError(
                    code: .duplicate, line: line,
                    detail: "\(path) is already watched by the [[watch]] whose path is on line \(other)")
            }
            var name = try section.string("name") ?? path.lastComponent?.string ?? path.string
            if name.isEmpty { name = path.string }
            // The name is the bay's id in status and in the catalog, so it must tell the folders apart.
            if let other = nameLines.updateValue(section.table.line, forKey: name) {
                throw ConfigurationError(
                    code: .duplicate, line: section.table["name"]?.line ?? line,
                    detail:
                        "the [[watch]] on line \(other) is already named \(TOMLValue.quoted(name)); set key \"name\" to tell them apart"
                )
            }
            var folder = DaemonConfiguration.WatchedFolder(path: path, name: name)
            folder.deviceID = try section.string("device")
            if let seconds = try section.number(
                "settle_seconds", mustBe: "a number of seconds from 0 to 3600", where: { $0 >= 0 && $0 <= 3600 })
            {
                folder.settleSeconds = seconds
            }
            if let remove = try section.boolean("remove_after_verify") { folder.removeAfterVerify = remove }
            return folder
        }
    }
}
