import Foundation
import Mustache

/// The templates in use: the built-in ones, each replaced by a file of the same name
/// found first in the configured directory, then in `$XDG_CONFIG_HOME/toban/templates/`.
public struct MessageTemplates: Sendable {
    let library: MustacheLibrary
    /// Where each template came from ("built-in" or a file path), for `toban config check`.
    public let sources: [String: String]

    public struct LoadError: Error, CustomStringConvertible {
        public var file: String
        public var reason: String
        public var description: String { "\(file): \(reason)" }
    }

    /// - Parameter directories: searched in order; a missing directory is skipped.
    public init(directories: [String] = []) throws {
        var library = MustacheLibrary()
        var sources: [String: String] = [:]
        for (name, text) in BuiltinTemplates.all.sorted(by: { $0.key < $1.key }) {
            var chosen = (text: text, source: "built-in")
            for directory in directories {
                let path = (directory as NSString).appendingPathComponent(name + ".mustache")
                guard let data = FileManager.default.contents(atPath: path) else { continue }
                guard let file = String(data: data, encoding: .utf8) else { throw LoadError(file: path, reason: "is not UTF-8") }
                // Overrides are plain text: a file need not know about mustache's HTML escaping.
                chosen = (file.hasPrefix("{{%") ? file : "{{% CONTENT_TYPE: TEXT}}" + file, path)
                break
            }
            do {
                try library.register(chosen.text, named: name)
            } catch {
                throw LoadError(file: chosen.source, reason: "\(error)")
            }
            sources[name] = chosen.source
        }
        self.library = library
        self.sources = sources
    }

    /// Subject (the first line) and body (the rest) of `name` rendered with `view`.
    func render(_ name: String, _ view: [String: Any]) -> (subject: String, body: String)? {
        guard let text = library.render(view, withTemplate: name) else { return nil }
        let trimmed = text.drop { $0 == "\n" }
        guard let newline = trimmed.firstIndex(of: "\n") else { return (String(trimmed), "") }
        let subject = String(trimmed[..<newline]).trimmingCharacters(in: .whitespaces)
        var body = String(trimmed[trimmed.index(after: newline)...])
        while body.hasSuffix("\n\n") { body.removeLast() }
        return (subject, body)
    }
}
