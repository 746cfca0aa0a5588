import TobanCore

/// Text forms the ingest writer builds for every row, without string interpolation.
enum FastText {
    /// `IPAddress.description`, with IPv4 (the usual case) written as bytes: at most 15,
    /// so the result is a small string that needs no allocation.
    static func ip(_ address: IPAddress) -> String {
        guard let v4 = address.ipv4Value else { return address.description }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buffer in
            var n = 0
            for shift in stride(from: 24, through: 0, by: -8) {
                let octet = Int((v4 >> UInt32(shift)) & 0xFF)
                if octet >= 100 { buffer[n] = UInt8(48 + octet / 100); n += 1 }
                if octet >= 10 { buffer[n] = UInt8(48 + (octet / 10) % 10); n += 1 }
                buffer[n] = UInt8(48 + octet % 10); n += 1
                if shift > 0 { buffer[n] = 0x2E; n += 1 }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<n]), as: UTF8.self)
        }
    }

    /// `AggregationKey.text`.
    static func aggregationKey(_ d: Detection) -> String {
        var out = d.customerID
        out += "|"
        out += d.sensor
        out += "|"
        out += d.signature.id
        out += "|"
        out += d.sourceIP.map(ip) ?? "-"
        out += "|"
        out += d.destinationIP.map(ip) ?? "-"
        return out
    }

    /// The evidence column: `{"name":"value",…}` with keys sorted, built in one string.
    static func evidenceJSON(_ e: Evidence) -> String {
        let sorted: [(String, String?)] = [
            ("dns_query", e.dnsQuery), ("file_hash", e.fileHash), ("file_name", e.fileName), ("http_host", e.httpHost),
            ("mail_from", e.mailFrom), ("mail_subject", e.mailSubject), ("mail_to", e.mailTo), ("message", e.message),
            ("src_hostname", e.sourceHostname), ("src_mac", e.sourceMAC), ("tls_sni", e.tlsSNI), ("url", e.url),
            ("user_agent", e.userAgent),
        ]
        var out = "{"
        var first = true
        for (name, value) in sorted {
            guard let value else { continue }
            if !first { out += "," }
            first = false
            out += "\""
            out += name
            out += "\":"
            JSONText.appendQuoted(value, to: &out)
        }
        return out + "}"
    }
}
