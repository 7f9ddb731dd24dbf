import Hashing
import HistoryTesting
import Testing

@Suite struct CRC32CTests {
    @Test(arguments: [
        (Array("123456789".utf8), UInt32(0xE306_9283)),
        ([UInt8](repeating: 0x00, count: 32), UInt32(0x8A91_36AA)),
        ([UInt8](repeating: 0xFF, count: 32), UInt32(0x62A8_AB43)),
        ([], UInt32(0)),
    ])
    func knownValues(bytes: [UInt8], expected: UInt32) {
        #expect(CRC32C.checksum(bytes) == expected)
    }

    @Test func sliceEqualsArray() {
        let bytes = Array("xx123456789yy".utf8)
        #expect(CRC32C.checksum(bytes[2..<11]) == 0xE306_9283)
        #expect(CRC32C.checksum(bytes[13...]) == 0)
    }

    @Test func runningUpdateEqualsOneShot() {
        var generator = SeededRandom(seed: 42)
        let message = (0..<1037).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        for split in [0, 1, 7, 8, 9, 500, 1036, 1037] {
            let first = CRC32C.checksum(Array(message[..<split]))
            let running = message[split...].withUnsafeBytes { CRC32C.update(first, $0) }
            #expect(running == CRC32C.checksum(message), "split at \(split)")
        }
    }

    @Test func matchesBitwiseReferenceOnSeededBuffers() {
        var generator = SeededRandom(seed: 0xC0FFEE)
        for round in 0..<1000 {
            let length = Int(generator.next() % 300)
            let buffer = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let expected = Self.bitwiseReference(buffer)
            #expect(CRC32C.checksum(buffer) == expected, "round \(round), length \(length)")
        }
    }

    /// Bit-at-a-time CRC-32C straight from the definition, without tables.
    static func bitwiseReference(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = (crc & 1) == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1
            }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
