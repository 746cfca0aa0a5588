// Top-level EVE keys, matched on their length and first eight bytes (little-endian word);
// keys longer than eight bytes also compare their tail.
extension EVEParser {
    enum Key { case timestamp, flowId, eventType, host, srcIp, srcPort, destIp, destPort, proto, alert, anomaly, http, dns, tls, fileinfo, smtp, email, ether, stats, other }

    @inline(__always)
    static func key(_ p: UnsafePointer<UInt8>, _ n: Int, _ w: UInt64) -> Key {
        switch n {
        case 3:
            if w == 0x0000000000736e64 { return .dns }
            if w == 0x0000000000736c74 { return .tls }
        case 4:
            if w == 0x0000000074736f68 { return .host }
            if w == 0x0000000070747468 { return .http }
            if w == 0x0000000070746d73 { return .smtp }
        case 5:
            if w == 0x0000006f746f7270 { return .proto }
            if w == 0x0000007472656c61 { return .alert }
            if w == 0x0000006c69616d65 { return .email }
            if w == 0x0000007265687465 { return .ether }
            if w == 0x0000007374617473 { return .stats }
        case 6:
            if w == 0x000070695f637273 { return .srcIp }
        case 7:
            if w == 0x0064695f776f6c66 { return .flowId }
            if w == 0x0070695f74736564 { return .destIp }
            if w == 0x00796c616d6f6e61 { return .anomaly }
        case 8:
            if w == 0x74726f705f637273 { return .srcPort }
            if w == 0x6f666e69656c6966 { return .fileinfo }
        case 9:
            if w == 0x6d617473656d6974 && bytesEqual(p + 8, n - 8, "p") { return .timestamp }
            if w == 0x726f705f74736564 && bytesEqual(p + 8, n - 8, "t") { return .destPort }
        case 10:
            if w == 0x79745f746e657665 && bytesEqual(p + 8, n - 8, "pe") { return .eventType }
        default: break
        }
        return .other
    }
}
