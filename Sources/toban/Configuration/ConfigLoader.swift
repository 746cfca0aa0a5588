import Foundation
import TOMLKit
import TobanCore

/// A configuration read from a file, with what is wrong in it.
struct LoadedConfiguration {
    var path: String
    var configuration: TobanConfiguration
    var problems: [ConfigProblem]
}

struct ConfigurationError: Error, CustomStringConvertible {
    var problems: [ConfigProblem]
    var description: String {
        (["configuration has \(problems.count) problem\(problems.count == 1 ? "" : "s"):"] + problems.map { "  \($0)" })
            .joined(separator: "\n")
    }
}

enum ConfigLoader {
    /// Reads and decodes. Syntax errors come back as one problem with line and column;
    /// semantic problems are all listed. Callers that need a usable config call `require()`.
    static func load(path: String) throws -> LoadedConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(problems: [ConfigProblem(file: path, key: "(file)", reason: "cannot be read (missing or not permitted)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(problems: [ConfigProblem(file: path, key: "(file)", reason: "is not valid UTF-8")])
        }
        let nul = nulProblems(in: text, file: path)
        guard nul.isEmpty else { throw ConfigurationError(problems: nul) }
        let root: ConfigValue
        do {
            root = try TOMLConverter.parse(text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(problems: [ConfigProblem(file: path, key: "line \(error.source.begin.line), column \(error.source.begin.column)", reason: "TOML syntax: \(error.description)")])
        }
        let (configuration, problems) = ConfigurationDecoder.decode(root, file: path)
        return LoadedConfiguration(path: path, configuration: configuration, problems: problems)
    }
}

extension ConfigLoader {
    /// The TOML reader works on C strings: a NUL byte, or a `\u0000` escape in a string,
    /// would silently cut the file or the string there (`a@x.example\u0000…` read as a
    /// valid address). Either is reported where it stands, before the file is read.
    static func nulProblems(in text: String, file: String) -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let scalars = Array(line.unicodeScalars)
            var i = 0
            var column = 1
            while i < scalars.count {
                if scalars[i] == "\u{0}" {
                    problems.append(problem(file, line: index + 1, column: column))
                } else if scalars[i] == "\\" {
                    let rest = String(String.UnicodeScalarView(scalars[(i + 1)...].prefix(9)))
                    if rest.hasPrefix("u0000") || rest.hasPrefix("U00000000") {
                        problems.append(problem(file, line: index + 1, column: column))
                    }
                    // The escaped character is never the start of another escape (`\\u0000`).
                    i += 1
                    column += 1
                }
                i += 1
                column += 1
            }
        }
        return problems
    }

    private static func problem(_ file: String, line: Int, column: Int) -> ConfigProblem {
        ConfigProblem(file: file, key: "line \(line), column \(column)", reason: "contains a control character (U+0000)")
    }
}

extension LoadedConfiguration {
    /// The configuration, or an error listing every problem.
    func require() throws -> TobanConfiguration {
        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        return configuration
    }
}

/// TOML text → the syntax-free `ConfigValue` tree that Core and Console read.
enum TOMLConverter {
    static func parse(_ text: String) throws -> ConfigValue {
        convert(try TOMLTable(string: text))
    }

    static func convert(_ value: TOMLValueConvertible) -> ConfigValue {
        switch value.type {
        case .table:
            var out: [String: ConfigValue] = [:]
            if let table = value.table {
                for key in table.keys { if let v = table[key] { out[key] = convert(v) } }
            }
            return .table(out)
        case .array:
            return .array(value.array.map { $0.map(convert) } ?? [])
        case .string: return .string(value.string ?? "")
        case .int: return .integer(value.int ?? 0)
        case .double: return .double(value.double ?? 0)
        case .bool: return .bool(value.bool ?? false)
        case .date: return .string(value.date?.debugDescription ?? "")
        case .time: return .string(value.time?.debugDescription ?? "")
        case .dateTime: return .string(value.dateTime?.debugDescription ?? "")
        }
    }
}
