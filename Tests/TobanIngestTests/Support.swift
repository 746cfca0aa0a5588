import Foundation
import Testing
import TobanCore
@testable import TobanIngest
import TobanTestSupport

/// The shared corpus lives beside the repository: `<package root>/../shared/corpus`.
let corpusRoot: URL? = {
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while dir.path != "/" {
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
            let corpus = dir.appendingPathComponent("../shared/corpus").standardizedFileURL
            return FileManager.default.fileExists(atPath: corpus.path) ? corpus : nil
        }
        dir = dir.deletingLastPathComponent()
    }
    return nil
}()

let corpusAvailable = corpusRoot != nil

func corpusData(_ relative: String) throws -> Data {
    let root = try #require(corpusRoot)
    return try Data(contentsOf: root.appendingPathComponent(relative))
}

let testOptions = ParserOptions(syslogYear: 2018, localUTCOffsetSeconds: 0)

/// A line of a file with its byte offset.
struct Line {
    var offset: Int
    var bytes: [UInt8]
    var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Splits on `\n` like the follower does (a final unterminated line counts).
func lines(_ data: Data) -> [Line] {
    var out: [Line] = []
    let bytes = [UInt8](data)
    var start = 0
    for (i, b) in bytes.enumerated() where b == 0x0A {
        out.append(Line(offset: start, bytes: Array(bytes[start..<i])))
        start = i + 1
    }
    if start < bytes.count { out.append(Line(offset: start, bytes: Array(bytes[start...]))) }
    return out
}

func parse(_ parser: inout some LineParser, _ bytes: [UInt8]) -> LineResult {
    bytes.withUnsafeBufferPointer { parser.parse($0) }
}

func parse(_ parser: inout some LineParser, _ text: String) -> LineResult {
    parse(&parser, Array(text.utf8))
}

func parseAll(_ parser: inout some LineParser, _ data: Data) -> [(Line, LineResult)] {
    lines(data).map { ($0, parse(&parser, $0.bytes)) }
}

extension LineResult {
    var event: ParsedEvent? {
        if case .event(let e) = self { return e }
        return nil
    }
    var invalidReason: String? {
        if case .invalid(let r) = self { return r }
        return nil
    }
}

/// Parses one line with a fresh parser of the given format.
func parseOne(_ format: SourceFormat, _ text: String, fileName: String = "x.log",
              options: ParserOptions = testOptions) -> LineResult {
    var p = makeParser(for: format, fileName: fileName, options: options)
    return Array(text.utf8).withUnsafeBufferPointer { p.parse($0) }
}

func event(_ format: SourceFormat, _ text: String, fileName: String = "x.log",
           sourceLocation: SourceLocation = #_sourceLocation) throws -> ParsedEvent {
    let r = parseOne(format, text, fileName: fileName)
    return try #require(r.event, "expected an event, got \(r)", sourceLocation: sourceLocation)
}

// MARK: Expected documents (peer output)

/// Loads `{"expected":[...]}` or a bare array of documents.
func expectedDocs(_ relative: String) throws -> [[String: Any]] {
    let json = try JSONSerialization.jsonObject(with: corpusData(relative))
    if let d = json as? [String: Any], let list = d["expected"] as? [[String: Any]] { return list }
    return try #require(json as? [[String: Any]])
}

/// Dotted lookup that works for nested objects and for flattened dotted keys alike.
func value(_ doc: [String: Any], _ path: String) -> Any? {
    if let v = doc[path] { return v }
    let parts = path.split(separator: ".").map(String.init)
    for i in stride(from: parts.count - 1, through: 1, by: -1) {
        let head = parts[0..<i].joined(separator: ".")
        if let sub = doc[head] as? [String: Any] {
            return value(sub, parts[i...].joined(separator: "."))
        }
    }
    return nil
}

func string(_ doc: [String: Any], _ path: String) -> String? {
    switch value(doc, path) {
    case let s as String: return s
    case let n as NSNumber: return n.stringValue
    case let a as [Any]: return a.first.flatMap { $0 as? String }
    default: return nil
    }
}

func int(_ doc: [String: Any], _ path: String) -> Int? {
    switch value(doc, path) {
    case let n as NSNumber: return n.intValue
    case let s as String: return Int(s)
    default: return nil
    }
}

/// Epoch seconds from an ISO 8601 text, using Foundation (independent of the parser's own code).
func epoch(iso text: String) -> Double? {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let d = f.date(from: text) { return d.timeIntervalSince1970 }
    f.formatOptions = [.withInternetDateTime]
    return f.date(from: text)?.timeIntervalSince1970
}

/// Compares the 5-tuple and time of a peer document with a parsed event.
func expectCommon(_ doc: [String: Any], _ e: ParsedEvent, _ what: String,
                  sourceLocation: SourceLocation = #_sourceLocation) {
    if let ts = string(doc, "@timestamp"), let want = epoch(iso: ts) {
        // Peers keep milliseconds (truncated); we keep microseconds.
        let got = e.timestamp ?? .nan
        #expect(abs(got - want) < 0.001, "\(what): timestamp \(got) vs \(ts)", sourceLocation: sourceLocation)
    }
    for (path, actual) in [("source.ip", e.sourceIP), ("destination.ip", e.destinationIP)] {
        if let want = string(doc, path) {
            #expect(actual == IPAddress(want), "\(what): \(path) \(String(describing: actual)) vs \(want)", sourceLocation: sourceLocation)
        } else {
            #expect(actual == nil, "\(what): \(path) should be absent", sourceLocation: sourceLocation)
        }
    }
    for (path, actual) in [("source.port", e.sourcePort), ("destination.port", e.destinationPort)] {
        #expect(int(doc, path) == actual.map { Int($0) }, "\(what): \(path)", sourceLocation: sourceLocation)
    }
    if let t = string(doc, "network.transport") {
        #expect(e.transport == t, "\(what): transport", sourceLocation: sourceLocation)
    }
}

func normalisedMAC(_ s: String?) -> String? {
    s.map { $0.uppercased().replacingOccurrences(of: "-", with: ":") }
}
