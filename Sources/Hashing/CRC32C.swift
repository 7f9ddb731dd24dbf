/// CRC-32C (Castagnoli): polynomial 0x1EDC6F41 (reflected 0x82F63B78), initial value and final XOR
/// 0xFFFFFFFF. The checksum of the ASCII bytes "123456789" is 0xE3069283.
public enum CRC32C {
    /// The CRC-32C of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { update(0, $0) }
    }

    /// The CRC-32C of the bytes in `bytes`, without copying them.
    public static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { update(0, $0) }
    }

    /// Extends a finished checksum with more bytes: `update(checksum(a), b) == checksum(a + b)`,
    /// and `update(0, b) == checksum(b)`, so a stream can be checksummed piece by piece.
    public static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        // The running value is kept inverted between calls; undo and redo the final XOR here.
        var state = ~crc
        tables.withUnsafeBufferPointer { table in
            var index = 0
            let count = bytes.count
            // Slicing-by-8: fold eight bytes per step with eight 256-entry tables.
            while count - index >= 8 {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let low = UInt32(truncatingIfNeeded: word) ^ state
                let high = UInt32(truncatingIfNeeded: word >> 32)
                state =
                    table[7 * 256 + Int(low & 0xFF)]
                    ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xFF)]
                    ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(high & 0xFF)]
                    ^ table[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ table[1 * 256 + Int((high >> 16) & 0xFF)]
                    ^ table[Int(high >> 24)]
                index += 8
            }
            while index < count {
                state = table[Int((state ^ UInt32(bytes[index])) & 0xFF)] ^ (state >> 8)
                index += 1
            }
        }
        return ~state
    }

    /// The reflected polynomial.
    static let reflectedPolynomial: UInt32 = 0x82F6_3B78

    /// Eight 256-entry tables, concatenated. Table 0 is the byte-at-a-time table; table k gives the
    /// effect of a byte followed by k zero bytes.
    private static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ reflectedPolynomial : crc >> 1
            }
            tables[byte] = crc
        }
        for slice in 1..<8 {
            for byte in 0..<256 {
                let previous = tables[(slice - 1) * 256 + byte]
                tables[slice * 256 + byte] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()
}
