/// Everything urgency depends on, gathered by the caller (ingest or store).
public struct UrgencyInput: Sendable, Equatable {
    public var severity: Severity
    public var vendorSeverity: String
    public var category: String
    public var signatureID: String
    public var endpoint: IPAddress?
    /// The critical asset covering the endpoint (or the other side), if any.
    public var asset: CriticalAsset?
    /// Distinct other signatures seen on the same endpoint recently.
    public var corroboratingSignatures: Int
    public var count: Int

    public init(severity: Severity, vendorSeverity: String = "", category: String = "", signatureID: String = "",
                endpoint: IPAddress? = nil, asset: CriticalAsset? = nil, corroboratingSignatures: Int = 0, count: Int = 1) {
        self.severity = severity
        self.vendorSeverity = vendorSeverity
        self.category = category
        self.signatureID = signatureID
        self.endpoint = endpoint
        self.asset = asset
        self.corroboratingSignatures = corroboratingSignatures
        self.count = count
    }
}

public struct UrgencyAssessment: Sendable, Equatable {
    public var urgency: Urgency
    /// Each step that moved the urgency, in order.
    public var reasons: [String]

    /// "P1 because vendor severity high → P2; category … is high-risk (+1)".
    public var explanation: String { "\(urgency) because " + reasons.joined(separator: "; ") }
}

/// What urgency a detection has from its signature, severity and category alone: the part
/// of the evaluation that every detection of a signature shares (`UrgencyMemo` keeps it).
struct UrgencyBase: Sendable, Equatable {
    /// Set when the rules fix the signature's urgency: nothing else then counts.
    var fixed: Urgency?
    var base: Urgency
    var steps: Int
    var reasons: [String]
}

/// The urgency function: pure, deterministic, explained.
public enum UrgencyEvaluator {
    public static func evaluate(_ input: UrgencyInput, rules: UrgencyRules = .default) -> UrgencyAssessment {
        finish(base(input, rules: rules), input, rules: rules)
    }

    /// The steps that read only the signature, severity and category.
    static func base(_ input: UrgencyInput, rules: UrgencyRules) -> UrgencyBase {
        if let fixed = rules.signatureOverrides[input.signatureID] {
            return UrgencyBase(fixed: fixed, base: fixed, steps: 0,
                               reasons: ["signature \(input.signatureID) is fixed at \(fixed) by the urgency rules"])
        }
        var reasons: [String] = []
        let base = rules.base[input.severity] ?? .p3
        let given = input.vendorSeverity.isEmpty ? "" : " (vendor: \(input.vendorSeverity))"
        reasons.append("vendor severity \(input.severity)\(given) → \(base)")
        var steps = 0
        let category = input.category.lowercased()
        if !category.isEmpty, let hit = rules.raisingCategories.first(where: { contains(category, $0) }) {
            steps += 1
            reasons.append("category '\(input.category)' is high-risk (\(hit)) +1")
        } else if !category.isEmpty, let hit = rules.loweringCategories.first(where: { contains(category, $0) }) {
            steps -= 1
            reasons.append("category '\(input.category)' is low-risk (\(hit)) −1")
        }
        return UrgencyBase(fixed: nil, base: base, steps: steps, reasons: reasons)
    }

    /// The rest: the critical asset, corroboration, repeats, and the caps.
    static func finish(_ partial: UrgencyBase, _ input: UrgencyInput, rules: UrgencyRules) -> UrgencyAssessment {
        if let fixed = partial.fixed { return UrgencyAssessment(urgency: fixed, reasons: partial.reasons) }
        var reasons = partial.reasons
        var steps = partial.steps
        if let asset = input.asset {
            let name = asset.label.isEmpty ? asset.network.description : "\(asset.label) (\(asset.network))"
            if asset.weight >= rules.assetWeightTwoSteps {
                steps += 2
                reasons.append("critical asset \(name), weight \(asset.weight) +2")
            } else if asset.weight >= rules.assetWeightOneStep {
                steps += 1
                reasons.append("critical asset \(name), weight \(asset.weight) +1")
            }
        }
        if input.corroboratingSignatures >= rules.corroborationThreshold {
            steps += 1
            var reason = ""
            appendCorroborationReason(input.corroboratingSignatures, endpoint: input.endpoint, to: &reason)
            reasons.append(reason)
        }
        if input.count >= rules.repeatThreshold {
            steps += 1
            reasons.append("repeated \(input.count) times +1")
        }
        // Raising is capped at two steps above the vendor's view: context sharpens a
        // vendor severity, it does not invent one. Informational never reaches P1.
        steps = max(-1, min(2, steps))
        var urgency = partial.base.raised(by: steps)
        if input.severity == .informational && urgency == .p1 {
            urgency = .p2
            reasons.append("informational severity is capped at P2")
        }
        return UrgencyAssessment(urgency: urgency, reasons: reasons)
    }

    /// "corroborated by 5 other signatures on 10.0.0.7 +1", appended to `text`: written
    /// here only, for `finish` and for `UrgencyMemo`, which appends it to a kept prefix.
    /// The reason is written as ASCII bytes and appended as one string: six appends to a
    /// `String`, with the count and the address made into strings of their own, cost
    /// about 3,200 instructions, and ingest makes one for nearly every alert on a busy
    /// endpoint.
    static func appendCorroborationReason(_ signatures: Int, endpoint: IPAddress?, to text: inout String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(100) // the longest: an IPv6 address and a 20-digit count
        appendCorroborationReason(signatures, endpoint: endpoint, to: &bytes)
        text += String(decoding: bytes, as: UTF8.self)
    }

    private static func appendCorroborationReason(_ signatures: Int, endpoint: IPAddress?, to bytes: inout [UInt8]) {
        func add(_ text: StaticString) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
        add("corroborated by ")
        DecimalDigits.append(Int64(signatures), to: &bytes)
        add(" other signatures")
        if let endpoint {
            add(" on ")
            endpoint.appendText(to: &bytes)
        }
        add(" +1")
    }

    /// `haystack.contains(needle)`; ASCII text (the usual case) is compared byte by byte
    /// in one pass over contiguous storage, instead of through Foundation's locale-aware
    /// search (this runs for every rule keyword of every detection).
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        if let verdict = haystack.withUTF8Bytes({ hb in needle.withUTF8Bytes { nb in asciiContains(hb, nb) } }) { return verdict }
        return haystack.contains(needle)
    }

    /// nil when either side is not ASCII (or the needle is empty).
    private static func asciiContains(_ hb: UnsafeBufferPointer<UInt8>, _ nb: UnsafeBufferPointer<UInt8>) -> Bool? {
        let hc = hb.count, nc = nb.count
        guard nc > 0 else { return nil }
        for b in nb where b >= 0x80 { return nil }
        var found = false
        let first = nb[0]
        var i = 0
        while i < hc {
            let b = hb[i]
            if b >= 0x80 { return nil }
            if !found && b == first && i <= hc - nc {
                var j = 1
                while j < nc && hb[i + j] == nb[j] { j += 1 }
                if j == nc { found = true }
            }
            i += 1
        }
        return found
    }
}
