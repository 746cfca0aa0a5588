import TobanCore

/// Text the ingest writer builds for every row, without string interpolation.
enum FastText {
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
