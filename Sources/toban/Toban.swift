import ArgumentParser
import TobanCore

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
}
