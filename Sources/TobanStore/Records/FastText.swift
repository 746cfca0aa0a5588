import TobanCore

/// Text forms the ingest writer builds for every row, without string interpolation.
enum FastText {
    /// `AggregationKey.text`.
    static func aggregationKey(_ d: Detection) -> String {
        var out = d.customerID
        out += "|"
        out += d.sensor
        out += "|"
        out += d.signature.id
        out += "|"
        out += d.sourceIP?.description ?? "-"
        out += "|"
        out += d.destinationIP?.description ?? "-"
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
