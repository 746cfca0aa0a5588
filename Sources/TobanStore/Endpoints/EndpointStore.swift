import Foundation
import TobanCore

/// Suspect endpoints (被疑端末): the ranked list, one host's page and timeline, and the
/// analysts' verdicts on it. `TobanStore` implements it.
public protocol EndpointStore: AnyObject, Sendable {
    func endpoints(_ filter: EndpointFilter, after cursor: EndpointCursor?, limit: Int) throws -> [Endpoint]
    func endpoint(customer: String, address: IPAddress) throws -> Endpoint?
    func endpointTimeline(customer: String, address: IPAddress, around: Date, window: TimeInterval, limit: Int) throws -> [TimelineItem]
    func setEndpointStatus(customer: String, address: IPAddress, status: EndpointStatus, note: String?,
                           actor: String, at now: Date) throws -> String
}

extension TobanStore: EndpointStore {}
