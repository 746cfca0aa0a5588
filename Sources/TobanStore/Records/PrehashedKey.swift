/// A dictionary key that carries its own hash: a word made once, where the key is made,
/// from Swift's seeded `Hasher` (so an attacker who picks the key's text cannot pick the
/// word).
///
/// Dictionaries and sets then use that word instead of running `Hasher` over it again.
/// The ingest writer looks endpoints, queue groups and aggregation keys up about twenty
/// times per detection, and SipHash over a word that is already a SipHash output was 4 %
/// of its instructions.
protocol PrehashedKey: Hashable {
    /// A seeded `Hasher` output (or a mix of such outputs), fixed for the key's lifetime.
    var hashWord: Int { get }
}

extension PrehashedKey {
    func hash(into hasher: inout Hasher) {
        hasher.combine(hashWord)
    }

    /// What `Dictionary` and `Set` call (with their own per-instance seed), and `hashValue`
    /// with seed 0. The seed is mixed in (murmur3's 64-bit finaliser) so that keys whose
    /// words differ only in high bits, or by a small number, still spread over the buckets.
    func _rawHashValue(seed: Int) -> Int {
        prehashedValue(hashWord, seed: seed)
    }
}

/// `word` with `seed` mixed in by murmur3's 64-bit finaliser.
func prehashedValue(_ word: Int, seed: Int) -> Int {
    var x = UInt64(bitPattern: Int64(word ^ seed))
    x ^= x >> 33
    x &*= 0xFF51_AFD7_ED55_8CCD
    x ^= x >> 33
    x &*= 0xC4CE_B9FE_1A85_EC53
    x ^= x >> 33
    return Int(bitPattern: UInt(x))
}
