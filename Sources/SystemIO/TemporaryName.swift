/// The names atomic writes (``DurableFileSystem/createFileExclusively(at:contents:)``,
/// ``DurableFileSystem/replaceFile(at:contents:)``) give their temporary files: `.NAME.tmp-PID-N`,
/// beside the file they create or replace. The pid keeps processes apart and `N` the writes of one
/// process; the leading dot keeps them out of ordinary listings.
public enum TemporaryName {
    /// The temporary for the file `name` written by process `processId`, its `counter`-th.
    public static func make(for name: String, processId: Int32, counter: UInt64) -> String {
        ".\(name).tmp-\(processId)-\(counter)"
    }

    /// Whether `name` is one that ``make(for:processId:counter:)`` returns: a dot, a non-empty name,
    /// `.tmp-`, digits, `-`, digits.
    public static func matches(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.first == UInt8(ascii: "."), let marker = lastRange(of: Array(".tmp-".utf8), in: bytes), marker.lowerBound > 1
        else { return false }
        let numbers = bytes[marker.upperBound...].split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        return numbers.count == 2 && numbers.allSatisfy { !$0.isEmpty && $0.allSatisfy { (48...57).contains($0) } }
    }

    private static func lastRange(of marker: [UInt8], in bytes: [UInt8]) -> Range<Int>? {
        guard bytes.count >= marker.count else { return nil }
        for start in stride(from: bytes.count - marker.count, through: 0, by: -1)
        where bytes[start..<(start + marker.count)].elementsEqual(marker) {
            return start..<(start + marker.count)
        }
        return nil
    }
}
