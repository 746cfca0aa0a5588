import Foundation

/// Where `toban` looks for its configuration, first match wins:
/// `--config`, `$TOBAN_CONFIG`, `./toban.toml`, `$XDG_CONFIG_HOME/toban/toban.toml`
/// (`~/.config` when unset), `/etc/toban/toban.toml`.
enum ConfigLocator {
    static func candidates(environment: [String: String]) -> [String] {
        var list: [String] = []
        if let env = environment["TOBAN_CONFIG"], !env.isEmpty { list.append(env) }
        list.append("toban.toml")
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            list.append("\(xdg)/toban/toban.toml")
        } else if let home = environment["HOME"], !home.isEmpty {
            list.append("\(home)/.config/toban/toban.toml")
        }
        list.append("/etc/toban/toban.toml")
        return list
    }

    /// An explicit path is returned as is (loading it reports if it is missing);
    /// `$TOBAN_CONFIG` likewise; the implicit places only when the file exists.
    static func locate(explicit: String?, environment: [String: String]) -> String? {
        if let explicit, !explicit.isEmpty { return explicit }
        if let env = environment["TOBAN_CONFIG"], !env.isEmpty { return env }
        return candidates(environment: environment).dropFirst(0).first { FileManager.default.fileExists(atPath: $0) }
    }
}
