import Foundation

/// One signature's detections on an endpoint, as the risk score sees them.
public struct EndpointSignal: Sendable, Equatable {
    public var signatureID: String
    public var signatureName: String
    public var urgency: Urgency
    public var count: Int
    public var lastSeen: Date
    /// Closed as false positive / no action: counts for nothing.
    public var dismissed: Bool

    public init(signatureID: String, signatureName: String, urgency: Urgency, count: Int, lastSeen: Date, dismissed: Bool = false) {
        self.signatureID = signatureID
        self.signatureName = signatureName
        self.urgency = urgency
        self.count = count
        self.lastSeen = lastSeen
        self.dismissed = dismissed
    }
}

public struct EndpointRisk: Sendable, Equatable {
    public var score: Double
    public var explanation: [String]
}

/// Ranks suspect endpoints (被疑端末): distinct signatures weigh more than repeats, urgent
/// ones most, recent ones more than old ones (half-life 24 h), critical assets more.
public enum EndpointRiskScorer {
    public static func weight(of urgency: Urgency) -> Double {
        switch urgency {
        case .p1: return 40
        case .p2: return 20
        case .p3: return 8
        case .p4: return 3
        case .p5: return 1
        }
    }

    public static let halfLifeHours: Double = 24

    public static func score(signals: [EndpointSignal], asset: CriticalAsset?, now: Date) -> EndpointRisk {
        var lines: [String] = []
        lines.reserveCapacity(signals.count + 2)
        let score = score(signals: signals, asset: asset, now: now) { lines.append(String(decoding: $0, as: UTF8.self)) }
        return EndpointRisk(score: score, explanation: lines)
    }

    /// The score, handing each line of its explanation to `line` as UTF-8 bytes (valid
    /// during the call only). Ingest re-scores every endpoint a batch touches and stores
    /// the lines as JSON: it writes them from these bytes, with no string made per line.
    public static func score(signals: [EndpointSignal], asset: CriticalAsset?, now: Date,
                             line explain: (_ utf8: [UInt8]) -> Void) -> Double {
        var parts: [(points: Double, signal: Int)] = []
        parts.reserveCapacity(signals.count)
        for (i, s) in signals.enumerated() where !s.dismissed {
            let ageHours = max(0, now.timeIntervalSince(s.lastSeen) / 3600)
            let decay = pow(0.5, ageHours / halfLifeHours)
            // Repeats count, but slowly: one P1 outweighs a handful of P2 repeats.
            let repeats = 1 + 0.5 * log2(Double(max(1, s.count)))
            parts.append((weight(of: s.urgency) * repeats * decay, i))
        }
        parts.sort { $0.points > $1.points }
        var total = parts.reduce(0) { $0 + $1.points }
        // Each line is written as UTF-8 into one buffer (appending to a `String` costs a
        // few hundred instructions a call; a chain of `+` makes a string per step).
        var line: [UInt8] = []
        line.reserveCapacity(128)
        for part in parts {
            let s = signals[part.signal]
            line.removeAll(keepingCapacity: true)
            appendOneDecimal(part.points, to: &line)
            append("  ", to: &line)
            append(s.urgency.label, to: &line)
            append(" ", to: &line)
            append(s.signatureName, to: &line)
            append(" ×", to: &line)
            DecimalDigits.append(Int64(s.count), to: &line)
            // The time itself, not an age: the age is worked out when the line is shown
            // (`readable(_:now:)`), so it never freezes at the moment of scoring.
            append(", ", to: &line)
            append(seenMarkerOpen, to: &line)
            DecimalDigits.append(Int64(s.lastSeen.timeIntervalSince1970.rounded(.down)), to: &line)
            append(seenMarkerClose, to: &line)
            explain(line)
        }
        let distinct = distinctSignatures(signals, parts)
        if distinct >= 2 {
            let bonus = 1 + 0.25 * Double(distinct - 1)
            line.removeAll(keepingCapacity: true)
            append("×", to: &line)
            appendOneDecimal(bonus, to: &line)
            append("  ", to: &line)
            DecimalDigits.append(Int64(distinct), to: &line)
            append(" distinct signatures", to: &line)
            explain(line)
            total *= bonus
        }
        if let asset, total > 0 {
            let factor = 1 + Double(asset.weight) / 10
            line.removeAll(keepingCapacity: true)
            append("×", to: &line)
            appendOneDecimal(factor, to: &line)
            append("  critical asset ", to: &line)
            append(asset.label.isEmpty ? asset.network.description : asset.label, to: &line)
            append(" (weight ", to: &line)
            DecimalDigits.append(Int64(asset.weight), to: &line)
            append(")", to: &line)
            explain(line)
            total *= factor
        }
        return (total * 10).rounded() / 10
    }

    /// Appends `text`'s UTF-8 to an explanation line (a function taking the line, not one
    /// capturing it: the writer scores every endpoint it settles, and each access to a
    /// captured variable was checked for exclusivity).
    @inline(__always)
    private static func append(_ text: String, to line: inout [UInt8]) {
        text.withUTF8Bytes { line.append(contentsOf: $0) }
    }

    /// Distinct signature ids among the counted signals: sorted and compared side by side
    /// (an endpoint has a handful), not hashed into a set for every endpoint scored.
    private static func distinctSignatures(_ signals: [EndpointSignal], _ parts: [(points: Double, signal: Int)]) -> Int {
        var ids = parts.map { signals[$0.signal].signatureID }
        ids.sort()
        var distinct = 0
        for i in ids.indices where i == 0 || ids[i] != ids[i - 1] { distinct += 1 }
        return distinct
    }

    static let seenMarkerOpen = "⟦seen "
    static let seenMarkerClose = "⟧"

    /// A stored explanation line as an analyst reads it at `now`: its trailing last-seen
    /// time becomes an age ("2h ago"). Only the end of the line is read, after the count,
    /// so a signature name cannot pose as a time.
    public static func readable(_ line: String, now: Date) -> String {
        guard line.hasSuffix(seenMarkerClose), let open = line.range(of: seenMarkerOpen, options: .backwards),
              let seconds = Int64(line[open.upperBound..<line.index(before: line.endIndex)]) else { return line }
        let hours = max(0, now.timeIntervalSince(Date(timeIntervalSince1970: Double(seconds))) / 3600)
        return String(line[..<open.lowerBound]) + ageText(hours: hours) + " ago"
    }

    /// `v` to one decimal place ("12.5"); the whole part as `String(Int)` writes it.
    static func appendOneDecimal(_ v: Double, to bytes: inout [UInt8]) {
        let tenths = Int((v * 10).rounded())
        DecimalDigits.append(Int64(tenths / 10), to: &bytes)
        bytes.append(0x2E) // .
        DecimalDigits.append(UInt64(abs(tenths % 10)), to: &bytes)
    }

    static func ageText(hours: Double) -> String {
        if hours < 1 { return String(Int(hours * 60)) + "m" }
        if hours < 48 { return String(Int(hours)) + "h" }
        return String(Int(hours / 24)) + "d"
    }
}
