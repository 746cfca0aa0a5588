import Foundation

/// A change of person on a layer, by rotation or by an override starting or ending.
public struct OnCallHandOff: Sendable, Equatable {
    public var at: Date
    public var layer: String
    public var from: String
    public var to: String

    public init(at: Date, layer: String, from: String, to: String) {
        self.at = at
        self.layer = layer
        self.from = from
        self.to = to
    }
}
