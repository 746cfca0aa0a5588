import Foundation
import Testing
@testable import TobanCore
import TobanTestSupport

@Suite struct StateMachineTests {
    @Test func detectionStatusMovesForwardOnly() {
        #expect(DetectionStatus.new.canMove(to: .acknowledged))
        #expect(DetectionStatus.new.canMove(to: .closed))
        #expect(DetectionStatus.acknowledged.canMove(to: .inTriage))
        #expect(DetectionStatus.inTriage.canMove(to: .escalated))
        #expect(DetectionStatus.escalated.canMove(to: .closed))
        #expect(!DetectionStatus.inTriage.canMove(to: .acknowledged))
        #expect(!DetectionStatus.closed.canMove(to: .new))
        #expect(!DetectionStatus.escalated.canMove(to: .inTriage))
    }

    @Test func incidentLifecycleNeedsOutcomeToClose() throws {
        var incident = Incident(customerID: "acme", title: "Beacon", urgency: .p1, createdAt: Date(timeIntervalSince1970: 0))
        try incident.transition(to: .investigating, at: Date(timeIntervalSince1970: 10))
        try incident.transition(to: .customerNotified, at: Date(timeIntervalSince1970: 20))
        #expect(throws: Incident.TransitionError.outcomeRequired) { try incident.transition(to: .closed, at: Date(timeIntervalSince1970: 30)) }
        #expect(throws: Incident.TransitionError.notAllowed(from: .customerNotified, to: .open)) { try incident.transition(to: .open, at: Date(timeIntervalSince1970: 30)) }
        try incident.transition(to: .closed, outcome: .truePositive, at: Date(timeIntervalSince1970: 40))
        #expect(incident.state == .closed)
        #expect(incident.outcome == .truePositive)
        #expect(incident.updatedAt == Date(timeIntervalSince1970: 40))
        #expect(throws: Incident.TransitionError.notAllowed(from: .closed, to: .closed)) {
            try incident.transition(to: .closed, outcome: .benign, at: Date(timeIntervalSince1970: 50))
        }
    }

    @Test func notificationsNeedApprovalBeforeSending() {
        #expect(!NotificationState.draft.canMove(to: .sending))
        #expect(NotificationState.draft.canMove(to: .approved))
        #expect(NotificationState.approved.canMove(to: .sending))
        #expect(NotificationState.failed.canMove(to: .sending))
        #expect(!NotificationState.sent.canMove(to: .sending))
        #expect(NotificationState.dead.isFinal)
    }

    @Test func dispositionsMapToFKeyCategories() {
        #expect(Disposition(category: 7) == .malware)
        #expect(Disposition(category: 8) == nil)
        #expect(Disposition.allCases.compactMap(\.category) == [1, 2, 3, 4, 5, 6, 7])
    }

    @Test func endpointStatusCannotReturnToNone() {
        #expect(EndpointStatus.none.canMove(to: .suspect))
        #expect(EndpointStatus.suspect.canMove(to: .cleared))
        #expect(!EndpointStatus.suspect.canMove(to: .none))
        #expect(!EndpointStatus.suspect.canMove(to: .suspect))
    }

    @Test func notificationRulesParse() {
        #expect(NotificationRule(text: "immediate") == .immediate)
        #expect(NotificationRule(text: "within:30m") == .within(minutes: 30))
        #expect(NotificationRule(text: "within:2h") == .within(minutes: 120))
        #expect(NotificationRule(text: "digest:30,00") == .digest(minutes: [0, 30]))
        #expect(NotificationRule(text: "digest:61") == nil)
        #expect(NotificationRule(text: "sometimes") == nil)
        #expect(NotificationRule.digest(minutes: [0, 30]).description == "digest:00,30")
    }
}

@Suite struct RiskScoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func distinctUrgentRecentSignaturesRankHigher() {
        let quiet = EndpointRiskScorer.score(signals: [
            EndpointSignal(signatureID: "1", signatureName: "curl UA", urgency: .p5, count: 200, lastSeen: now),
        ], asset: nil, now: now)
        let loud = EndpointRiskScorer.score(signals: [
            EndpointSignal(signatureID: "2", signatureName: "Cobalt Strike", urgency: .p1, count: 1, lastSeen: now),
            EndpointSignal(signatureID: "3", signatureName: "Emotet", urgency: .p2, count: 3, lastSeen: now),
        ], asset: nil, now: now)
        #expect(loud.score > quiet.score)
        #expect(loud.explanation.first?.contains("Cobalt Strike") == true)
        #expect(loud.explanation.contains { $0.contains("2 distinct signatures") })
    }

    /// The bonus counts each signature once, and none that was dismissed.
    @Test func distinctSignaturesCountEachCountedIdOnce() {
        func distinctLine(_ signals: [EndpointSignal]) -> String? {
            EndpointRiskScorer.score(signals: signals, asset: nil, now: now).explanation.first { $0.hasSuffix("distinct signatures") }
        }
        let repeated = [
            EndpointSignal(signatureID: "7", signatureName: "a", urgency: .p2, count: 1, lastSeen: now),
            EndpointSignal(signatureID: "3", signatureName: "b", urgency: .p3, count: 1, lastSeen: now),
            EndpointSignal(signatureID: "7", signatureName: "a again", urgency: .p4, count: 2, lastSeen: now),
            EndpointSignal(signatureID: "9", signatureName: "c", urgency: .p1, count: 1, lastSeen: now, dismissed: true),
        ]
        #expect(distinctLine(repeated) == "×1.3  2 distinct signatures")
        #expect(distinctLine(Array(repeated[0...2].reversed()) + [EndpointSignal(signatureID: "10", signatureName: "d", urgency: .p5, count: 1,
                                                                                  lastSeen: now)]) == "×1.5  3 distinct signatures")
        #expect(distinctLine([repeated[0], repeated[2], repeated[3]]) == nil)
    }

    @Test func oldAndDismissedSignalsFade() {
        let fresh = EndpointRiskScorer.score(signals: [EndpointSignal(signatureID: "2", signatureName: "x", urgency: .p1, count: 1, lastSeen: now)], asset: nil, now: now)
        let old = EndpointRiskScorer.score(signals: [EndpointSignal(signatureID: "2", signatureName: "x", urgency: .p1, count: 1, lastSeen: now.addingTimeInterval(-48 * 3600))], asset: nil, now: now)
        #expect(abs(old.score - fresh.score / 4) < 0.2) // two half-lives
        let dismissed = EndpointRiskScorer.score(signals: [EndpointSignal(signatureID: "2", signatureName: "x", urgency: .p1, count: 1, lastSeen: now, dismissed: true)], asset: nil, now: now)
        #expect(dismissed.score == 0)
    }

    /// The stored explanation's line format, which the endpoint list and page show as is.
    @Test func explanationLinesReadPointsUrgencySignatureCountAndAge() {
        let risk = EndpointRiskScorer.score(signals: [
            EndpointSignal(signatureID: "2030358", signatureName: "ET TROJAN Cobalt Strike Beacon", urgency: .p1, count: 4,
                           lastSeen: now.addingTimeInterval(-2 * 3600)),
            EndpointSignal(signatureID: "2013028", signatureName: "ET POLICY curl", urgency: .p4, count: 1, lastSeen: now.addingTimeInterval(-600)),
        ], asset: nil, now: now)
        #expect(risk.explanation.map { EndpointRiskScorer.readable($0, now: now) } == [
            "75.5  P1 ET TROJAN Cobalt Strike Beacon ×4, 2h ago",
            "3.0  P4 ET POLICY curl ×1, 10m ago",
            "×1.3  2 distinct signatures",
        ])
        // The age is read when the line is shown, not frozen when it was scored.
        #expect(EndpointRiskScorer.readable(risk.explanation[1], now: now.addingTimeInterval(3 * 3600)) == "3.0  P4 ET POLICY curl ×1, 3h ago")
        // A signature name that looks like the time marker does not become an age.
        let spoof = EndpointRiskScorer.score(signals: [EndpointSignal(signatureID: "9", signatureName: "x ⟦seen 0⟧", urgency: .p3, count: 1,
                                                                      lastSeen: now)], asset: nil, now: now)
        #expect(EndpointRiskScorer.readable(spoof.explanation[0], now: now).hasSuffix("x ⟦seen 0⟧ ×1, 0m ago"))
        #expect(risk.score == 98.1) // (75.51 + 2.99) × 1.25
    }

    @Test func criticalAssetsWeighMore() throws {
        let signals = [EndpointSignal(signatureID: "2", signatureName: "x", urgency: .p3, count: 1, lastSeen: now)]
        let plain = EndpointRiskScorer.score(signals: signals, asset: nil, now: now)
        let asset = EndpointRiskScorer.score(signals: signals, asset: CriticalAsset(network: try CIDR(parsing: "10.0.0.1"), weight: 10, label: "DC"), now: now)
        #expect(asset.score == plain.score * 2)
        #expect(asset.explanation.last?.contains("critical asset DC") == true)
    }

    /// The lines' numbers are written as bytes: the same text `String` writes.
    @Test func numbersAreWrittenAsStringWritesThem() {
        for v in [0, 0.04, 0.05, 0.95, 1, 9.96, 12.34, 75.51, 1234.5, -0.04, -0.5, -1.25, -12.34, 1e12] {
            let tenths = Int((v * 10).rounded())
            var bytes: [UInt8] = []
            EndpointRiskScorer.appendOneDecimal(v, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(tenths / 10) + "." + String(abs(tenths % 10)), "\(v)")
        }
        for n in [0, 7, 10, 99, 12_345, -1, -10, Int64.max, Int64.min] {
            var bytes: [UInt8] = []
            DecimalDigits.append(n, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(n))
        }
    }
}
