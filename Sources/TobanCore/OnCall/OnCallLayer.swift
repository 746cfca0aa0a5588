/// One rung of on-call duty ("analyst", "shift_lead", "manager") and who takes turns on it.
public struct OnCallLayer: Sendable, Equatable {
    public var name: String
    public var rotation: OnCallRotation

    public init(name: String, rotation: OnCallRotation) {
        self.name = name
        self.rotation = rotation
    }
}
