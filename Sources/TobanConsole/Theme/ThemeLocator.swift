import Foundation
import TobanCore

/// Finds and loads a theme by name or path. File reading happens here; TOML parsing is
/// injected by the executable (the console module does not link a TOML library).
public struct ThemeLocator: Sendable {
    /// Turns file text into a configuration tree; throws on syntax errors.
    public typealias Parse = @Sendable (_ text: String, _ file: String) throws -> ConfigValue

    public var environment: [String: String]
    public var workingDirectory: String
    /// Path of the running executable, to find `themes/` in the repository it was built in.
    public var executablePath: String?
    public var fileExists: @Sendable (String) -> Bool
    public var readFile: @Sendable (String) throws -> String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                workingDirectory: String = FileManager.default.currentDirectoryPath,
                executablePath: String? = CommandLine.arguments.first,
                fileExists: @escaping @Sendable (String) -> Bool = { FileManager.default.fileExists(atPath: $0) },
                readFile: @escaping @Sendable (String) throws -> String = { try String(contentsOfFile: $0, encoding: .utf8) }) {
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.executablePath = executablePath
        self.fileExists = fileExists
        self.readFile = readFile
    }

    /// Whether `nameOrPath` is a path rather than a theme name.
    static func isPath(_ s: String) -> Bool { s.contains("/") || s.hasSuffix(".toml") }

    /// Where a theme named `name` may live, in the order they are tried:
    /// `$XDG_CONFIG_HOME/toban/themes/` (default `~/.config`), then `themes/` under the
    /// working directory, then `themes/` in the directories above the executable
    /// (a build tree inside the repository: `.build/debug/toban` → repository root).
    public func candidates(for name: String) -> [String] {
        if Self.isPath(name) {
            return [name.hasPrefix("/") ? name : join(workingDirectory, name)]
        }
        let file = "\(name).toml"
        var out: [String] = []
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            out.append(join(xdg, "toban/themes/\(file)"))
        } else if let home = environment["HOME"], !home.isEmpty {
            out.append(join(home, ".config/toban/themes/\(file)"))
        }
        out.append(join(workingDirectory, "themes/\(file)"))
        if let exe = executablePath, exe.contains("/") {
            var dir = (exe.hasPrefix("/") ? exe : join(workingDirectory, exe)) as NSString
            for _ in 0..<5 {
                dir = dir.deletingLastPathComponent as NSString
                if (dir as String).isEmpty || (dir as String) == "/" { break }
                out.append(join(dir as String, "themes/\(file)"))
            }
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    /// Loads the theme `nameOrPath`. Never fails: when nothing usable is found the built-in
    /// dark theme is returned with a problem explaining why, so the console always starts.
    public func load(_ nameOrPath: String, parse: Parse) -> (theme: Theme, problems: [ConfigProblem], file: String?) {
        let key = "console.theme"
        guard let path = candidates(for: nameOrPath).first(where: fileExists) else {
            if let builtin = BuiltinThemes.named(nameOrPath) { return (builtin, [], nil) }
            let tried = candidates(for: nameOrPath).joined(separator: ", ")
            return (BuiltinThemes.dark,
                    [ConfigProblem(file: nameOrPath, key: key, reason: "theme not found (looked in \(tried)); using the built-in dark theme")],
                    nil)
        }
        do {
            let text = try readFile(path)
            let config = try parse(text, path)
            let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            let (theme, problems) = ThemeLoader.load(config, file: path, defaultName: stem)
            return (theme, problems, path)
        } catch {
            return (BuiltinThemes.dark,
                    [ConfigProblem(file: path, key: key, reason: "cannot read theme: \(error); using the built-in dark theme")],
                    path)
        }
    }

    private func join(_ a: String, _ b: String) -> String { a.hasSuffix("/") ? a + b : a + "/" + b }
}
