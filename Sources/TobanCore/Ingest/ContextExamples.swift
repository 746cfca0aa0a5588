import Foundation

/// A context bucket's examples without a string each: the summaries' UTF-8 back to back
/// in one buffer, and per example its time, kind, peer and identity.
///
/// Ingest keeps nearly every context event of an hour as an example. As a `ContextSample`
/// each one cost a string: made (allocated and checked as UTF-8), copied to be encoded for
/// the store, and freed. Here the normaliser writes a summary's bytes where they stay, and
/// the store encodes them from there.
public struct ContextExamples: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var time: Date
        public var kind: ContextKind
        public var peer: IPAddress?
        /// `ContextSample.identity` of the kind and summary.
        public var identity: Int
        /// Where the summary ends in `text`; it starts where the previous example's ends.
        public fileprivate(set) var end: Int
    }

    public private(set) var entries: [Entry] = []
    /// Every example's summary, in order.
    public private(set) var text: [UInt8] = []

    public init() {}

    public init(_ samples: [ContextSample]) {
        for sample in samples { append(sample) }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// Where example `i`'s summary lies in `text`.
    public func summaryRange(_ i: Int) -> Range<Int> {
        entries.withUnsafeBufferPointer { Self.summaryRange(i, in: $0) }
    }

    /// Where example `i`'s summary lies in `text`, for a caller that reads `entries`
    /// through their buffer (`entries.withUnsafeBufferPointer`).
    @inline(__always)
    public static func summaryRange(_ i: Int, in entries: UnsafeBufferPointer<Entry>) -> Range<Int> {
        (i == 0 ? 0 : entries[i - 1].end) ..< entries[i].end
    }

    /// Example `i` as a sample of its own (a string made for it).
    public subscript(i: Int) -> ContextSample {
        let entry = entries[i]
        let summary = text.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[summaryRange(i)]), as: UTF8.self) }
        return ContextSample(time: entry.time, kind: entry.kind, peer: entry.peer, summary: summary)
    }

    public var samples: [ContextSample] { entries.indices.map { self[$0] } }

    public mutating func reserveCapacity(examples: Int, bytes: Int) {
        entries.reserveCapacity(examples)
        text.reserveCapacity(bytes)
    }

    /// Appends the example whose summary `writeSummary` appends to the buffer it is given,
    /// unless one of the same kind and summary is here already. True when it was kept.
    @inline(__always)
    @discardableResult
    public mutating func append(time: Date, kind: ContextKind, peer: IPAddress?, writeSummary: (inout [UInt8]) -> Void) -> Bool {
        let start = text.count
        writeSummary(&text)
        let identity = text.withUnsafeBytes { ContextSample.identity(kind: kind, summaryBytes: UnsafeRawBufferPointer(rebasing: $0[start...])) }
        if contains(identity: identity, kind: kind, summary: start ..< text.count) {
            text.removeSubrange(start...)
            return false
        }
        entries.append(Entry(time: time, kind: kind, peer: peer, identity: identity, end: text.count))
        return true
    }

    /// Appends `sample` unless one of the same kind and summary is here already.
    @discardableResult
    public mutating func append(_ sample: ContextSample) -> Bool {
        append(time: sample.time, kind: sample.kind, peer: sample.peer) { text in
            sample.summary.withUTF8Bytes { text.append(contentsOf: $0) }
        }
    }

    /// Whether an example other than the one at `summary` (the last bytes of `text`) has
    /// this identity, kind and summary.
    private func contains(identity: Int, kind: ContextKind, summary: Range<Int>) -> Bool {
        entries.withUnsafeBufferPointer { entries in
            text.withUnsafeBufferPointer { text in
                var start = 0
                for entry in entries {
                    defer { start = entry.end }
                    guard entry.identity == identity, entry.kind == kind, entry.end - start == summary.count else { continue }
                    if summary.isEmpty || memcmp(text.baseAddress! + start, text.baseAddress! + summary.lowerBound, summary.count) == 0 {
                        return true
                    }
                }
                return false
            }
        }
    }
}
