#!/usr/bin/env python3
"""Writes Toban's demo logs (our own synthetic data, deterministic):
eve.json (Suricata EVE), zeek/notice.log (Zeek TSV), cef.log (CEF over syslog).
The story: acme's 10.0.0.10 (its AD server) beacons to a C2 after a suspicious download;
kobe's sensors see scans and a Zeek notice; osaka floods curl alerts; one sensor goes quiet;
a few lines are hostile (terminal escapes, bidi override) or broken (invalid JSON).
usage: python3 make_samples.py   (run from sample-logs/)"""
import json, random, datetime

r = random.Random(20261120)
JST = datetime.timezone(datetime.timedelta(hours=9))
t0 = datetime.datetime(2026, 11, 20, 21, 0, 0, tzinfo=JST)

def ts(sec):
    return (t0 + datetime.timedelta(seconds=sec)).strftime("%Y-%m-%dT%H:%M:%S.%f") + "+0900"

lines = []
def ev(sec, **kw):
    d = {"timestamp": ts(sec), "flow_id": r.getrandbits(50), "in_iface": "eth0"}
    d.update(kw)
    lines.append((sec, json.dumps(d, ensure_ascii=False)))

def alert(sec, host, src, sp, dst, dp, sid, sig, cat, sev, **extra):
    ev(sec, host=host, event_type="alert", src_ip=src, src_port=sp, dest_ip=dst, dest_port=dp, proto="TCP",
       alert={"action": "allowed", "gid": 1, "signature_id": sid, "rev": 3, "signature": sig, "category": cat, "severity": sev},
       **extra)

# Background context for every customer.
for c, net in (("acme", "10.0.0"), ("kobe", "10.1.0"), ("osaka", "10.2.0"), ("nagoya", "10.3.0"), ("sendai", "10.4.0")):
    for k in range(2):
        host = f"sensor-{c}-{k}"
        for i in range(0, 3600, 300):
            ev(i + k, host=host, event_type="stats", stats={"uptime": 86400 + i, "capture": {"kernel_packets": 100000 + i * 50, "kernel_drops": i // 60}})
    for i in range(60):
        h = f"{net}.{r.randint(2, 60)}"
        sec = r.randint(0, 3500)
        kind = r.choice(["dns", "tls", "http", "flow"])
        if kind == "dns":
            ev(sec, host=f"sensor-{c}-0", event_type="dns", src_ip=h, src_port=r.randint(1024, 65535), dest_ip=f"{net}.1", dest_port=53, proto="UDP",
               dns={"type": "query", "id": r.randint(0, 65535), "rrname": f"www{r.randint(1, 9)}.example.jp", "rrtype": "A", "tx_id": 0})
        elif kind == "tls":
            ev(sec, host=f"sensor-{c}-0", event_type="tls", src_ip=h, src_port=r.randint(1024, 65535), dest_ip="203.0.113.80", dest_port=443, proto="TCP",
               tls={"sni": "login.example.com", "version": "TLS 1.3"})
        elif kind == "http":
            ev(sec, host=f"sensor-{c}-0", event_type="http", src_ip=h, src_port=r.randint(1024, 65535), dest_ip="198.51.100.20", dest_port=80, proto="TCP",
               http={"hostname": "updates.example.net", "url": "/check", "http_user_agent": "Mozilla/5.0", "http_method": "GET", "status": 200})
        else:
            ev(sec, host=f"sensor-{c}-0", event_type="flow", src_ip=h, src_port=r.randint(1024, 65535), dest_ip="192.0.2.10", dest_port=443, proto="TCP",
               flow={"pkts_toserver": 10, "pkts_toclient": 12, "bytes_toserver": 1200, "bytes_toclient": 5000, "state": "closed"})

# acme: download, then Cobalt Strike beacons from the AD server, DNS to the C2 name around it.
ev(1200, host="sensor-acme-0", event_type="http", src_ip="10.0.0.10", src_port=50110, dest_ip="198.51.100.66", dest_port=80, proto="TCP",
   http={"hostname": "cdn-update.example.net", "url": "/files/setup.exe", "http_user_agent": "Microsoft BITS/7.8", "http_method": "GET", "status": 200})
ev(1201, host="sensor-acme-0", event_type="fileinfo", src_ip="198.51.100.66", src_port=80, dest_ip="10.0.0.10", dest_port=50110, proto="TCP",
   fileinfo={"filename": "/files/setup.exe", "md5": "5d41402abc4b2a76b9719d911017c592", "size": 245760, "state": "CLOSED"})
alert(1202, "sensor-acme-0", "198.51.100.66", 80, "10.0.0.10", 50110, 2018959, "ET POLICY PE EXE or DLL Windows file download HTTP",
      "Potential Corporate Privacy Violation", 2, http={"hostname": "cdn-update.example.net", "url": "/files/setup.exe", "http_user_agent": "Microsoft BITS/7.8"})
for i in range(40):
    ev(1300 + i * 60, host="sensor-acme-0", event_type="dns", src_ip="10.0.0.10", src_port=53000 + i, dest_ip="10.0.0.1", dest_port=53, proto="UDP",
       dns={"type": "query", "id": 4000 + i, "rrname": "cdn.c2-beacon.example", "rrtype": "A", "tx_id": 0})
    alert(1301 + i * 60, "sensor-acme-0", "10.0.0.10", 49700 + i, "203.0.113.66", 443, 2030358, "ET TROJAN Cobalt Strike Beacon Observed",
          "A Network Trojan was detected", 1, tls={"sni": "cdn.c2-beacon.example"})
alert(2500, "sensor-acme-1", "10.0.1.23", 51515, "198.51.100.99", 8080, 2035595, "ET EXPLOIT Possible Log4j RCE Attempt (CVE-2021-44228)",
      "Attempted Administrator Privilege Gain", 1, http={"hostname": "pay.acme.example", "url": "/${jndi:ldap://198.51.100.99/a}", "http_user_agent": "curl/8.0"})

# kobe: SSH scanning of its network.
for i in range(25):
    alert(600 + i * 20, "sensor-kobe-0", "192.0.2.200", 40000 + i, f"10.1.0.{10 + i}", 22, 2001219, "ET SCAN Potential SSH Scan", "Attempted Information Leak", 2)
alert(900, "sensor-kobe-1", "10.1.0.77", 53312, "203.0.113.8", 443, 2033966, "ET MALWARE Possible Emotet CnC Checkin", "A Network Trojan was detected", 1)

# osaka: a noisy curl policy rule, tuned down to P5 in the example config.
for i in range(120):
    alert(100 + i * 25, "sensor-osaka-0", f"10.2.0.{20 + i % 5}", 42000 + i, "198.51.100.5", 80, 2013028, "ET POLICY curl User-Agent Outbound",
          "Attempted Information Leak", 3, http={"hostname": "api.example.org", "url": "/v1/ping", "http_user_agent": "curl/7.88.1"})

# nagoya: Japanese text in a signature from a local ruleset.
alert(1800, "sensor-nagoya-0", "10.3.0.15", 50000, "203.0.113.77", 443, 9100001, "LOCAL 不審な外部通信 (社内ルール)", "Potentially Bad Traffic", 2)

# sendai: sensor-sendai-1 stops sending stats after 20 minutes (a monitoring gap).
lines = [(s, l) for (s, l) in lines if not ('"sensor-sendai-1"' in l and s > 1200)]

# Hostile content: terminal escapes and a bidi override inside attacker-controlled fields.
alert(2000, "sensor-sendai-0", "10.4.0.9", 51000, "203.0.113.13", 80, 9100002, "LOCAL Suspicious UA \u001b[2J\u001b]52;c;cHduZWQ=\u0007 in request",
      "Potentially Bad Traffic", 2, http={"hostname": "evil.example", "url": "/dl/\u202etxt.exe", "http_user_agent": "\u001b[31mred\u001b[0m"})
# An unassigned sensor (no customer claims it): kept and shown, never dropped.
alert(2100, "sensor-unknown-9", "172.16.5.5", 40001, "198.51.100.1", 445, 2001219, "ET SCAN Potential SSH Scan", "Attempted Information Leak", 2)

lines.sort(key=lambda x: x[0])
out = [l for _, l in lines]
out.insert(len(out) // 2, '{"timestamp": "2026-11-20T21:30:00.000000+0900", "event_type": "alert", "src_ip": ')  # truncated JSON
with open("eve.json", "w") as f:
    f.write("\n".join(out) + "\n")

# Zeek notice.log (TSV) for kobe.
fields = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "fuid", "file_mime_type", "file_desc", "proto", "note", "msg", "sub",
          "src", "dst", "p", "n", "peer_descr", "actions", "suppress_for", "remote_location.country_code"]
types = ["time", "string", "addr", "port", "addr", "port", "string", "string", "string", "enum", "enum", "string", "string", "addr", "addr", "port",
         "count", "string", "set[enum]", "interval", "string"]
with open("zeek/notice.log", "w") as f:
    f.write("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tnotice\n#open\t2026-11-20-21-00-00\n")
    f.write("#fields\t" + "\t".join(fields) + "\n#types\t" + "\t".join(types) + "\n")
    base = t0.timestamp()
    rows = [
        (base + 700, "CHhAvVGS1DHFjwGM9", "192.0.2.200", "40010", "10.1.0.20", "22", "-", "-", "-", "tcp", "SSH::Password_Guessing",
         "192.0.2.200 appears to be guessing SSH passwords (seen in 30 connections).", "Sampled servers:  10.1.0.20, 10.1.0.21", "192.0.2.200", "-", "-",
         "30", "-", "Notice::ACTION_LOG", "3600.000000", "-"),
        (base + 1500, "C4J4Th3PJpwUYZZ6gc", "10.1.0.77", "53320", "203.0.113.8", "443", "-", "-", "-", "tcp", "SSL::Invalid_Server_Cert",
         "SSL certificate validation failed with (self signed certificate)", "CN=c2.example", "10.1.0.77", "203.0.113.8", "443", "-", "-",
         "Notice::ACTION_LOG", "86400.000000", "-"),
    ]
    for row in rows:
        f.write("%.6f\t" % row[0] + "\t".join(row[1:]) + "\n")
    f.write("#close\t2026-11-20-22-00-00\n")

# CEF over RFC 3164 syslog from a firewall in front of sendai.
with open("cef.log", "w") as f:
    f.write("<134>Nov 20 21:40:00 fw-sendai CEF:0|Example|NGFW|9.1|4001|Blocked outbound connection to known C2|8|src=10.4.0.9 spt=51044 dst=203.0.113.13 dpt=443 proto=TCP act=blocked dvchost=sensor-sendai-0 cs1Label=policy cs1=Block C2\\=list request=https://evil.example/a\n")
    f.write("CEF:0|Example|NGFW|9.1|4002|Port scan detected|Medium|src=192.0.2.50 dst=10.4.0.20 dpt=3389 proto=TCP cat=recon msg=scan of 120 ports | rate 40/s dvchost=sensor-sendai-0\n")
