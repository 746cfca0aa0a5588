import TobanCore

/// Text the ingest writer builds for every row, without string interpolation.
enum FastText {
    /// The evidence column: `{"name":"value",…}` with keys sorted, built in one buffer
    /// (a list of the thirteen pairs and a string grown piece by piece cost five times as
    /// much, for every detection).
    static func evidenceJSON(_ e: Evidence) -> String {
        var out = JSONBytes(capacity: 96)
        out.append(byte: 0x7B) // {
        func field(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            if out.bytes.count > 1 { out.append(byte: 0x2C) } // ,
            out.append(byte: 0x22) // "
            out.append(name)
            out.append("\":")
            out.appendQuoted(value)
        }
        field("dns_query", e.dnsQuery); field("file_hash", e.fileHash); field("file_name", e.fileName)
        field("http_host", e.httpHost); field("mail_from", e.mailFrom); field("mail_subject", e.mailSubject)
        field("mail_to", e.mailTo); field("message", e.message); field("src_hostname", e.sourceHostname)
        field("src_mac", e.sourceMAC); field("tls_sni", e.tlsSNI); field("url", e.url); field("user_agent", e.userAgent)
        out.append(byte: 0x7D) // }
        return String(decoding: out.bytes, as: UTF8.self)
    }
}
