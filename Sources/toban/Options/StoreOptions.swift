import ArgumentParser
import Foundation
import TobanCore

/// `--config` and `--store`, shared by every subcommand that opens the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file (else $TOBAN_CONFIG, ./toban.toml, $XDG_CONFIG_HOME/toban/toban.toml, /etc/toban/toban.toml).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("SQLite store (else $TOBAN_STORE, else the config's store.path, else ./toban.sqlite).", valueName: "path"))
    var store: String?

    /// The configuration, if a file was named or found; a named file that is missing or
    /// invalid is an error (never silently fall back to defaults for an explicit choice).
    func loadConfiguration(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> LoadedConfiguration? {
        guard let path = ConfigLocator.locate(explicit: config, environment: environment) else { return nil }
        return try ConfigLoader.load(path: path)
    }

    /// Store path: `--store`, `$TOBAN_STORE`, the config's `store.path`, `./toban.sqlite`.
    func storePath(configuration: TobanConfiguration?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let store, !store.isEmpty { return store }
        if let env = environment["TOBAN_STORE"], !env.isEmpty { return env }
        if let path = configuration?.storePath { return path }
        return "toban.sqlite"
    }
}
