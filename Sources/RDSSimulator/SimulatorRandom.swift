import Hashing

/// SplitMix64: a tiny seeded generator whose whole state is one integer, so the simulator can
/// persist it in `state.json` and a restarted simulator continues the same sequence instead of
/// repeating names (secret names, ARN suffixes) it already handed out.
struct SplitMix64: RandomNumberGenerator, Codable, Hashable, Sendable {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` random bytes.
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }

    /// `count` characters drawn uniformly from `alphabet`.
    mutating func string(_ count: Int, from alphabet: String) -> String {
        let characters = Array(alphabet)
        return String((0..<count).map { _ in characters[Int.random(in: 0..<characters.count, using: &self)] })
    }

    /// A lowercase UUID-shaped string (8-4-4-4-12 hex digits).
    mutating func uuidString() -> String {
        let hex = Hex.encode(bytes(16))
        let chars = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }.joined(separator: "-")
    }
}
