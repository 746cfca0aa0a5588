import Foundation
import Testing
@testable import TobanCore
import TobanTestSupport

@Suite struct UrgencyTests {
    @Test func baseFollowsVendorSeverity() {
        let a = UrgencyEvaluator.evaluate(UrgencyInput(severity: .medium, vendorSeverity: "2"))
        #expect(a.urgency == .p3)
        #expect(a.explanation == "P3 because vendor severity medium (vendor: 2) → P3")
    }

    @Test func trojanOnCriticalAssetIsP1WithReasons() throws {
        let asset = CriticalAsset(network: try CIDR(parsing: "10.0.0.10"), weight: 5, label: "AD server")
        let a = UrgencyEvaluator.evaluate(UrgencyInput(severity: .high, vendorSeverity: "1", category: "A Network Trojan was detected",
                                                       signatureID: "2030358", endpoint: IPAddress("10.0.0.10"), asset: asset))
        #expect(a.urgency == .p1)
        #expect(a.explanation.hasPrefix("P1 because vendor severity high (vendor: 1) → P2"))
        #expect(a.explanation.contains("category 'A Network Trojan was detected' is high-risk (trojan) +1"))
        #expect(a.explanation.contains("critical asset AD server (10.0.0.10/32), weight 5 +1"))
    }

    @Test func policyChatterIsLowered() {
        let a = UrgencyEvaluator.evaluate(UrgencyInput(severity: .low, category: "Potential Corporate Privacy Violation"))
        #expect(a.urgency == .p5)
        #expect(a.reasons.last?.contains("−1") == true)
    }

    @Test func corroborationAndRepeatsRaiseButAreCapped() {
        let rules = UrgencyRules.default
        let corroborated = UrgencyEvaluator.evaluate(UrgencyInput(severity: .low, endpoint: IPAddress("10.1.1.1"), corroboratingSignatures: 2, count: 1), rules: rules)
        #expect(corroborated.urgency == .p3)
        #expect(corroborated.explanation.contains("corroborated by 2 other signatures on 10.1.1.1 +1"))
        // The reason's text exactly, through the memo too (which writes it as bytes), for an
        // IPv6 endpoint and for none.
        var memo = UrgencyMemo(rules: rules)
        for (endpoint, reason) in [(IPAddress("2001:db8::7"), "corroborated by 12 other signatures on 2001:db8::7 +1"),
                                   (nil, "corroborated by 12 other signatures +1")] {
            let input = UrgencyInput(severity: .low, endpoint: endpoint, corroboratingSignatures: 12, count: 1)
            #expect(UrgencyEvaluator.evaluate(input, rules: rules).reasons.last == reason)
            for _ in 0..<2 { #expect(memo.evaluate(input).explanation.hasSuffix("; " + reason)) }
        }
        // Everything at once: at most two steps above the vendor's view.
        let all = UrgencyEvaluator.evaluate(UrgencyInput(severity: .low, category: "trojan", corroboratingSignatures: 5, count: 500), rules: rules)
        #expect(all.urgency == .p2)
        // Informational never becomes P1.
        let info = UrgencyEvaluator.evaluate(UrgencyInput(severity: .informational, category: "exploit", corroboratingSignatures: 9, count: 1000),
                                             rules: UrgencyRules(base: [.informational: .p2], raisingCategories: ["exploit"], loweringCategories: []))
        #expect(info.urgency == .p2)
    }

    @Test func signatureOverrideWins() {
        var rules = UrgencyRules.default
        rules.signatureOverrides["2013028"] = .p5
        let a = UrgencyEvaluator.evaluate(UrgencyInput(severity: .critical, signatureID: "2013028"), rules: rules)
        #expect(a.urgency == .p5)
        #expect(a.explanation.contains("fixed at P5"))
    }

    @Test func urgencyLabelsAndStars() {
        #expect(Urgency(label: "p1") == .p1)
        #expect(Urgency(label: "P6") == nil)
        #expect(Urgency.p1.stars == "★★★")
        #expect(Urgency.p1.japaneseName == "緊急")
        #expect(Urgency.p3.raised(by: 5) == .p1)
        #expect(Urgency.p4.raised(by: -3) == .p5)
        #expect([Urgency.p3, .p1, .p5].sorted() == [.p1, .p3, .p5])
    }

    @Test func severityNormalisation() {
        #expect(Severity.fromSuricata(priority: 1) == .high)
        #expect(Severity.fromSuricata(priority: 3) == .low)
        #expect(Severity.fromCEF(score: 10) == .critical)
        #expect(Severity.fromCEF(score: 5) == .medium)
        #expect(Severity(name: "Very-High") == .critical)
        #expect(Severity(name: "bogus") == nil)
    }
}
