import ArgumentParser
import TobanCore
import TobanStore

/// `toban` — the on-duty console. With no subcommand it opens the console.
@main
struct Toban: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toban",
        abstract: "当番 Toban — the on-duty console of a managed NDR monitoring service.",
        version: TobanCore.version,
        subcommands: [ConsoleCommand.self, DemoCommand.self, IngestCommand.self, NotifyCommand.self, OutboxCommand.self,
                      ReportCommand.self, QueryCommand.self, ConfigCommand.self, OnCallCommand.self],
        defaultSubcommand: ConsoleCommand.self
    )

    /// ArgumentParser's own entry point, after the process-wide SQLite settings, which
    /// must come before any store opens.
    static func main() {
        SQLiteProcessSettings.apply()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
