/// The log formats Toban reads.
public enum SourceFormat: String, Codable, Sendable, CaseIterable {
    case suricataEVE = "eve"
    case zeekTSV = "zeek-tsv"
    case zeekJSON = "zeek-json"
    case cef = "cef"
    case syslog = "syslog"
}
