import ArgumentParser
import ControlProtocol
import CustodyCommandLine

struct CategoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "category",
        abstract: "Categories and their retention (administrators change them; a change is a dry run until --confirm).",
        subcommands: [Add.self, List.self, Set.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a category.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Name, e.g. traffic-stop.") var name: String
        @Option(help: "How long its items are kept: 90d, 6m, 10y or permanent.") var retention: String
        @Option(help: "normal, or restricted (only people granted it, and administrators).") var access = "normal"
        @Option(help: "What it is for.") var description: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var arguments = ControlArguments(name: name)
            arguments.retention = retention
            arguments.access = access
            arguments.text = description
            try CategoryCommand.show(try socket.call(.categoryAdd, arguments).category, json: json)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List categories.")
        @OptionGroup var socket: SocketOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let categories = try socket.call(.categoryList).categories ?? []
            if json { return try printJSON(categories) }
            let rows = categories.map { [$0.name, $0.retention, $0.access, $0.description ?? ""] }
            for line in Table.lines(header: ["CATEGORY", "RETENTION", "ACCESS", "DESCRIPTION"], rows: rows) { print(line) }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a category's retention: shows what would become due, and changes it only with --confirm.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Category name.") var name: String
        @Option(help: "The new retention: 90d, 6m, 10y or permanent.") var retention: String
        @OptionGroup var change: ChangeOptions

        func run() throws {
            var arguments = ControlArguments(name: name)
            arguments.retention = retention
            arguments.confirm = change.confirm
            try RetentionText.show(try socket.call(.categorySet, arguments).preview, json: change.json)
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a category from every item and the list: shows what would become due, removes only with --confirm.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Category name.") var name: String
        @OptionGroup var change: ChangeOptions

        func run() throws {
            var arguments = ControlArguments(name: name)
            arguments.confirm = change.confirm
            try RetentionText.show(try socket.call(.categoryRemove, arguments).preview, json: change.json)
        }
    }

    static func show(_ category: CategoryView?, json: Bool) throws {
        guard let category else { throw ControlClientError(code: .protocol, message: "custodyd answered without the category") }
        if json { return try printJSON(category) }
        print("\(category.name)  retention \(category.retention)  access \(category.access)")
    }
}

/// `--dry-run` (the default) or `--confirm`, and `--json`, for changes that can move due dates.
struct ChangeOptions: ParsableArguments {
    @Flag(help: "Only show what would change (the default).") var dryRun = false
    @Flag(help: "Make the change.") var confirm = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if dryRun && confirm { throw ValidationError("--dry-run and --confirm exclude each other") }
    }
}

struct CategorizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "categorize", abstract: "Add categories to an item; its due date follows the longest retention.")
    @OptionGroup var socket: SocketOptions
    @Argument(help: "Item id.") var item: String
    @Argument(help: "Categories.") var categories: [String]
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        var arguments = ControlArguments(item: item)
        arguments.categories = categories
        try RetentionText.show(try socket.call(.categorize, arguments).retention, json: json)
    }
}

struct UncategorizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uncategorize",
        abstract: "Remove categories from an item: shows its new due date, removes them only with --confirm.")
    @OptionGroup var socket: SocketOptions
    @Argument(help: "Item id.") var item: String
    @Argument(help: "Categories.") var categories: [String]
    @OptionGroup var change: ChangeOptions

    func run() throws {
        var arguments = ControlArguments(item: item)
        arguments.categories = categories
        arguments.confirm = change.confirm
        try RetentionText.show(try socket.call(.uncategorize, arguments).preview, json: change.json)
    }
}
