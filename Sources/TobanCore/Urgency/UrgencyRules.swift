/// The configurable part of the urgency function. Defaults are what a SOC would start from.
public struct UrgencyRules: Sendable, Equatable {
    /// Base urgency per normalised vendor severity.
    public var base: [Severity: Urgency]
    /// Categories (case-insensitive substrings) that raise urgency one step: C2, trojans, exploitation.
    public var raisingCategories: [String]
    /// Categories that lower urgency one step: policy chatter, informational.
    public var loweringCategories: [String]
    /// Fixed urgencies per signature id, applied last (a customer-approved tuning).
    public var signatureOverrides: [String: Urgency]
    /// Critical-asset weight from which urgency rises one step, and two steps.
    public var assetWeightOneStep: Int
    public var assetWeightTwoSteps: Int
    /// Distinct other signatures on the same endpoint (within the window) that corroborate.
    public var corroborationThreshold: Int
    /// Repeat count from which a detection rises one step.
    public var repeatThreshold: Int

    public init(base: [Severity: Urgency], raisingCategories: [String], loweringCategories: [String],
                signatureOverrides: [String: Urgency] = [:], assetWeightOneStep: Int = 3, assetWeightTwoSteps: Int = 8,
                corroborationThreshold: Int = 2, repeatThreshold: Int = 50) {
        self.base = base
        self.raisingCategories = raisingCategories
        self.loweringCategories = loweringCategories
        self.signatureOverrides = signatureOverrides
        self.assetWeightOneStep = assetWeightOneStep
        self.assetWeightTwoSteps = assetWeightTwoSteps
        self.corroborationThreshold = corroborationThreshold
        self.repeatThreshold = repeatThreshold
    }

    public static let `default` = UrgencyRules(
        base: [.critical: .p1, .high: .p2, .medium: .p3, .low: .p4, .informational: .p5],
        raisingCategories: ["trojan", "malware", "command and control", "exploit", "administrator privilege gain",
                            "user privilege gain", "ransomware", "credential theft", "exfiltration"],
        loweringCategories: ["corporate privacy violation", "not suspicious", "informational", "misc activity",
                             "generic protocol command decode"]
    )
}
