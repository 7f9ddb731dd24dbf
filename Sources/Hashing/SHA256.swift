/// SHA-256 (FIPS 180-4), incremental: feed bytes with ``update(_:)-(UnsafeRawBufferPointer)`` and
/// finish with ``finalize()``.
public struct SHA256: Sendable {
    /// The digest length in bytes.
    public static let digestByteCount = 32
    /// The block length in bytes.
    public static let blockByteCount = 64

    // The chaining value H0…H7, held in named fields so the struct needs no heap storage for it.
    private var h0: UInt32 = 0x6a09_e667
    private var h1: UInt32 = 0xbb67_ae85
    private var h2: UInt32 = 0x3c6e_f372
    private var h3: UInt32 = 0xa54f_f53a
    private var h4: UInt32 = 0x510e_527f
    private var h5: UInt32 = 0x9b05_688c
    private var h6: UInt32 = 0x1f83_d9ab
    private var h7: UInt32 = 0x5be0_cd19
    /// Bytes of an incomplete block, always fewer than 64.
    private var pending: [UInt8] = []
    /// Total message length so far, in bytes.
    private var messageByteCount: UInt64 = 0

    /// A hasher with the FIPS 180-4 initial hash value.
    public init() {
        pending.reserveCapacity(SHA256.blockByteCount)
    }

    /// Appends `bytes` to the message.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Appends the bytes in `buffer` to the message.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard buffer.count > 0 else { return }
        messageByteCount &+= UInt64(buffer.count)
        var remaining = buffer
        if !pending.isEmpty {
            let taken = min(SHA256.blockByteCount - pending.count, remaining.count)
            pending.append(contentsOf: remaining.prefix(taken))
            remaining = UnsafeRawBufferPointer(rebasing: remaining.dropFirst(taken))
            guard pending.count == SHA256.blockByteCount else { return }
            pending.withUnsafeBytes { compress(blocks: $0) }
            pending.removeAll(keepingCapacity: true)
        }
        let wholeBlockBytes = remaining.count - remaining.count % SHA256.blockByteCount
        if wholeBlockBytes > 0 {
            compress(blocks: UnsafeRawBufferPointer(rebasing: remaining.prefix(wholeBlockBytes)))
        }
        pending.append(contentsOf: remaining.dropFirst(wholeBlockBytes))
    }

    /// Pads the message, processes the last blocks and returns the 32-byte digest.
    public consuming func finalize() -> [UInt8] {
        let bitLength = messageByteCount &* 8
        // Padding: 0x80, zeros up to 56 mod 64, then the 64-bit big-endian bit length.
        var tail = pending
        tail.append(0x80)
        let zeroCount = (SHA256.blockByteCount + 56 - tail.count % SHA256.blockByteCount) % SHA256.blockByteCount
        tail.append(contentsOf: repeatElement(0, count: zeroCount))
        for shift in stride(from: 56, through: 0, by: -8) {
            tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        tail.withUnsafeBytes { compress(blocks: $0) }

        var digest: [UInt8] = []
        digest.reserveCapacity(SHA256.digestByteCount)
        for word in [h0, h1, h2, h3, h4, h5, h6, h7] {
            digest.append(UInt8(truncatingIfNeeded: word >> 24))
            digest.append(UInt8(truncatingIfNeeded: word >> 16))
            digest.append(UInt8(truncatingIfNeeded: word >> 8))
            digest.append(UInt8(truncatingIfNeeded: word))
        }
        return digest
    }

    /// The SHA-256 digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The SHA-256 digest of `bytes` as 64 lowercase hex digits.
    public static func hexDigest(_ bytes: [UInt8]) -> String {
        Hex.encode(hash(bytes))
    }

    /// Runs the compression function over each 64-byte block of `blocks` (a whole number of blocks).
    private mutating func compress(blocks: UnsafeRawBufferPointer) {
        precondition(blocks.count % SHA256.blockByteCount == 0, "SHA256.compress needs whole blocks")
        var ha = h0, hb = h1, hc = h2, hd = h3, he = h4, hf = h5, hg = h6, hh = h7
        SHA256.roundConstants.withUnsafeBufferPointer { k in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                var blockStart = 0
                while blockStart < blocks.count {
                    for t in 0..<16 {
                        w[t] = UInt32(bigEndian: blocks.loadUnaligned(fromByteOffset: blockStart + t * 4, as: UInt32.self))
                    }
                    for t in 16..<64 {
                        let x = w[t - 15], y = w[t - 2]
                        let sigma0 = x.rotatedRight(7) ^ x.rotatedRight(18) ^ (x &>> 3)
                        let sigma1 = y.rotatedRight(17) ^ y.rotatedRight(19) ^ (y &>> 10)
                        w[t] = sigma1 &+ w[t - 7] &+ sigma0 &+ w[t - 16]
                    }
                    var a = ha, b = hb, c = hc, d = hd, e = he, f = hf, g = hg, h = hh
                    // Eight rounds per pass with the roles of a…h rotated, instead of shuffling
                    // eight variables every round.
                    var t = 0
                    while t < 64 {
                        SHA256.round(a, b, c, &d, e, f, g, &h, k[t] &+ w[t])
                        SHA256.round(h, a, b, &c, d, e, f, &g, k[t + 1] &+ w[t + 1])
                        SHA256.round(g, h, a, &b, c, d, e, &f, k[t + 2] &+ w[t + 2])
                        SHA256.round(f, g, h, &a, b, c, d, &e, k[t + 3] &+ w[t + 3])
                        SHA256.round(e, f, g, &h, a, b, c, &d, k[t + 4] &+ w[t + 4])
                        SHA256.round(d, e, f, &g, h, a, b, &c, k[t + 5] &+ w[t + 5])
                        SHA256.round(c, d, e, &f, g, h, a, &b, k[t + 6] &+ w[t + 6])
                        SHA256.round(b, c, d, &e, f, g, h, &a, k[t + 7] &+ w[t + 7])
                        t += 8
                    }
                    ha = ha &+ a
                    hb = hb &+ b
                    hc = hc &+ c
                    hd = hd &+ d
                    he = he &+ e
                    hf = hf &+ f
                    hg = hg &+ g
                    hh = hh &+ h
                    blockStart += SHA256.blockByteCount
                }
            }
        }
        h0 = ha
        h1 = hb
        h2 = hc
        h3 = hd
        h4 = he
        h5 = hf
        h6 = hg
        h7 = hh
    }

    /// One FIPS 180-4 round: `d += T1` and `h = T1 + T2`, where `kw` is K[t] + W[t].
    @inline(__always)
    private static func round(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
        _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32
    ) {
        let bigSigma1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
        let choose = g ^ (e & (f ^ g))  // Ch(e, f, g) with one operation fewer
        let t1 = h &+ bigSigma1 &+ choose &+ kw
        let bigSigma0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
        let majority = (a & b) | (c & (a | b))  // Maj(a, b, c)
        d = d &+ t1
        h = t1 &+ bigSigma0 &+ majority
    }

    /// K: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]
}

extension UInt32 {
    /// Rotates right by `count` bits (0 < count < 32). Masking shifts compile to a rotate; the
    /// checked `>>`/`<<` would add range tests to every round.
    @inline(__always)
    fileprivate func rotatedRight(_ count: UInt32) -> UInt32 {
        (self &>> count) | (self &<< (32 &- count))
    }
}
