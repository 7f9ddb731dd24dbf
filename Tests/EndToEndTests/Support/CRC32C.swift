/// CRC-32C (Castagnoli), bit by bit: the test's own implementation, so the history check does not
/// trust the code it checks (`Sources/Hashing`, `HistoryStore`).
///
/// Reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF; the check value of
/// ASCII `123456789` is 0xE3069283 (docs/history-format.md, section 2).
enum TestCRC32C {
    static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                // Subtract-from-zero turns the low bit into an all-ones or all-zeros mask.
                crc = (crc >> 1) ^ (0x82F6_3B78 & (0 &- (crc & 1)))
            }
        }
        return ~crc
    }
}
