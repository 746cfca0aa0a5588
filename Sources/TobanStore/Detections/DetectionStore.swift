import Foundation
import TobanCore

/// The detection queue as the console and scripts read and work it: pages in queue order,
/// groups, and the analysts' triage actions (each audited, each undoable). `TobanStore`
/// implements it; the protocol names what belongs to the concept.
public protocol DetectionStore: AnyObject, Sendable {
    func detections(_ filter: DetectionFilter, after cursor: QueueCursor?, limit: Int) throws -> [Detection]
    func detectionsBefore(_ cursor: QueueCursor, filter: DetectionFilter, limit: Int) throws -> [Detection]
    func detections(ids: [Int64]) throws -> [Detection]
    func detection(id: Int64) throws -> Detection?
    func relatedDetections(to id: Int64, limit: Int) throws -> RelatedDetections
    func countNewer(than id: Int64, filter: DetectionFilter, cap: Int) throws -> Int
    func latestDetectionID() throws -> Int64
    func detectionGroups(by grouping: DetectionGrouping, filter: DetectionFilter, limit: Int) throws -> [DetectionGroup]
    func detectionIDs(_ filter: DetectionFilter, limit: Int) throws -> [Int64]

    func acknowledge(_ ids: [Int64], actor: String, at now: Date, comment: String?) throws -> ActionResult
    func claim(_ ids: [Int64], actor: String, at now: Date, comment: String?) throws -> ActionResult
    func dispose(_ ids: [Int64], disposition: Disposition, actor: String, at now: Date, comment: String?) throws -> ActionResult
    func escalate(_ ids: [Int64], comment: String, actor: String, at now: Date, to escalatedTo: String?,
                  acknowledgeBy: Date?) throws -> (incident: Incident, result: ActionResult)
}

extension TobanStore: DetectionStore {}
