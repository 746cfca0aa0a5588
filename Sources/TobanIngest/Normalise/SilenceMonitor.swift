import Foundation
import TobanCore

/// Finds monitoring gaps: a sensor that has said nothing for longer than its customer's
/// `contract.silenceMinutes` — unless the customer is inside a planned maintenance window.
/// Pure: last-seen times and "now" are passed in.
public enum SilenceMonitor {
    public struct Gap: Sendable, Equatable {
        public var sensor: String
        public var customerID: String
        public var lastSeen: Date
        public var silentMinutes: Int
    }

    public static func gaps(lastSeen: [String: Date], directory: CustomerDirectory, now: Date) -> [Gap] {
        var out: [Gap] = []
        for customer in directory.customers {
            let calendar = CustomerCalendar(customer: customer)
            if calendar.isInMaintenance(now) { continue }
            let limit = TimeInterval(customer.contract.silenceMinutes * 60)
            for sensor in customer.sensors {
                // A sensor never heard from is not a gap yet: ingest may simply be new.
                guard let seen = lastSeen[sensor] else { continue }
                let silent = now.timeIntervalSince(seen)
                if silent > limit {
                    out.append(Gap(sensor: sensor, customerID: customer.id, lastSeen: seen, silentMinutes: Int(silent / 60)))
                }
            }
        }
        return out.sorted { ($0.customerID, $0.sensor) < ($1.customerID, $1.sensor) }
    }
}
