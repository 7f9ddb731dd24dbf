/// SplitMix64 (Steele, Lea and Flood, 2014): a small, fast generator whose whole state is one
/// `UInt64`, so a failing simulation is reproduced from the seed it prints.
///
/// Not for anything secret; only for tests and fault injection.
public struct SeededRandom: RandomNumberGenerator, Sendable, Hashable {
    /// The current state; the next output is a function of it alone.
    public private(set) var state: UInt64

    /// A generator whose outputs are fully determined by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
