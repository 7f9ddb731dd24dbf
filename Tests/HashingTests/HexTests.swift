import Hashing
import Testing

@Suite struct HexTests {
    @Test func encodesLowercase() {
        #expect(Hex.encode([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
        #expect(Hex.encode([]) == "")
    }

    @Test(arguments: [("000fa5ff", [0x00, 0x0f, 0xa5, 0xff] as [UInt8]), ("ABcd", [0xab, 0xcd]), ("", [])])
    func decodes(text: String, bytes: [UInt8]) {
        #expect(Hex.decode(text) == bytes)
    }

    @Test(arguments: ["0", "abc", "zz", "0g", " 00", "é0"])
    func rejectsInvalid(text: String) {
        #expect(Hex.decode(text) == nil)
    }

    @Test func roundTrips() {
        let bytes = (0...255).map { UInt8($0) }
        #expect(Hex.decode(Hex.encode(bytes)) == bytes)
    }
}
