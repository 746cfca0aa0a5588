import ArgumentParser
import Foundation

/// Opens the console for the demo.
enum DemoConsole {
    static func open(storePath: String, configPath: String, theme: String?) throws {
        throw ValidationError("the console is not part of this build yet; use --no-console")
    }
}
