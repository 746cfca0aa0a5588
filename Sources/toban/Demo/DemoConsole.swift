import ArgumentParser
import Foundation

/// Opens the console for the demo, exactly as `toban --store S --config C` would.
enum DemoConsole {
    static func open(storePath: String, configPath: String, theme: String?) throws {
        var arguments = ["--store", storePath, "--config", configPath]
        if let theme { arguments += ["--theme", theme] }
        let console = try ConsoleCommand.parse(arguments)
        try console.run()
    }
}
