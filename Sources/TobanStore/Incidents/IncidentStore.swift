import Foundation
import TobanCore

/// Incidents: what analysts escalate detections into, and move through their states to a
/// close with an outcome. (Escalation itself starts from the queue: `DetectionStore`.)
/// `TobanStore` implements it.
public protocol IncidentStore: AnyObject, Sendable {
    func incidents(_ filter: IncidentFilter, before id: Int64?, limit: Int) throws -> [Incident]
    func incident(id: Int64) throws -> Incident?
    func transitionIncident(id: Int64, to next: IncidentState, outcome: IncidentOutcome?, disposition: Disposition?,
                            actor: String, at now: Date, comment: String?) throws -> String
}

extension TobanStore: IncidentStore {}
