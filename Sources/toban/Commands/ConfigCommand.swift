import ArgumentParser
import Foundation
import TobanConsole
import TobanCore
import TobanNotify

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
                for p in error.problems { printError(p.description) }
                throw ExitCode(1)
            }
            var problems = loaded.problems.map(\.description)
            // The templates the notifications will use must load (an override with a mustache error would
            // otherwise surface only when a P1 is due).
            let c = loaded.configuration
            do {
                _ = try NotifyWiring.renderer(c.notify)
            } catch {
                problems.append("\(path): notify.templates: \(error)")
            }
            // What the console would refuse at start is a problem now: key bindings, the theme.
            problems += Keymap.load(overrides: c.console.keys, file: path, keyPath: "keys").problems.map(\.description)
            if let theme = c.console.theme {
                let parse: ThemeLocator.Parse = { text, _ in try TOMLConverter.parse(text) }
                let (_, themeProblems, _) = ThemeLocator(environment: ProcessInfo.processInfo.environment).load(theme, parse: parse)
                problems += themeProblems.map { "\(path): console.theme: \($0.reason)" }
            }
            if !c.notify.sendmailPath.hasPrefix("/") {
                problems.append("\(path): notify.sendmail: '\(c.notify.sendmailPath)' must be an absolute path")
            }
            // A problem can quote the file, and the file can hold escapes: shown inert, never raw.
            for p in problems { printError(Sanitizer.sanitize(p)) }
            if !problems.isEmpty {
                printError(Sanitizer.sanitize("\(problems.count) problem\(problems.count == 1 ? "" : "s") in \(path)"))
                throw ExitCode(1)
            }
            print("\(Sanitizer.sanitize(path)): ok — \(c.customers.count) customers, \(c.sources.count) sources, \(c.analysts.count) analysts")
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
