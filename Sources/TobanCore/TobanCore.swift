/// TobanCore: the domain of a managed NDR monitoring service — detections, endpoints,
/// customers, urgency, notification policy, calendars and scoring — as pure values and rules.
/// Nothing in this module reads a file, a socket or the clock: time is always passed in.
public enum TobanCore {
    public static let version = "0.1.0"
}
