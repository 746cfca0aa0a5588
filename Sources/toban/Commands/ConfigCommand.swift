import ArgumentParser
import Foundation
import TobanCore

/// `toban config check` and friends.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate and inspect the configuration.",
        subcommands: [Check.self, Paths.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report every problem in the configuration (file, key, reason); non-zero exit when there is one.")

        @OptionGroup var options: StoreOptions

        func run() throws {
            guard let path = ConfigLocator.locate(explicit: options.config, environment: ProcessInfo.processInfo.environment) else {
                throw ValidationError("no configuration found (looked in: \(ConfigLocator.candidates(environment: ProcessInfo.processInfo.environment).joined(separator: ", ")))")
            }
            let loaded: LoadedConfiguration
            do { loaded = try ConfigLoader.load(path: path) } catch let error as ConfigurationError {
                for p in error.problems { printError("\(p)") }
                throw ExitCode(1)
            }
            for p in loaded.problems { printError("\(p)") }
            if !loaded.problems.isEmpty {
                printError("\(loaded.problems.count) problem\(loaded.problems.count == 1 ? "" : "s") in \(path)")
                throw ExitCode(1)
            }
            let c = loaded.configuration
            print("\(path): ok — \(c.customers.count) customers, \(c.sources.count) sources, \(c.analysts.count) analysts")
        }
    }

    struct Paths: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List where the configuration is looked for, in order.")
        func run() {
            for p in ConfigLocator.candidates(environment: ProcessInfo.processInfo.environment) {
                print((FileManager.default.fileExists(atPath: p) ? "* " : "  ") + p)
            }
        }
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
